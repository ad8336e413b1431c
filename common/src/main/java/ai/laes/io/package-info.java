/** Input handling shared by the library and the jobs. */
package ai.laes.io;
