/** Input validation and input/output helpers. */
package ai.laes.io;
