/** Reading and writing on any Hadoop FileSystem: IDX and NumPy files, checksums, atomic job outputs and run provenance. */
package ai.laes.io;
