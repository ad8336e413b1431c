/** Initialisers that set the six LMN parameters of an initialised network: random, orthogonal, LAES. */
package ai.laes.lmn.init;
