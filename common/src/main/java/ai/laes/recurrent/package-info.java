/**
 * The native machinery both of our recurrent layers ({@link ai.laes.lmn}, {@link ai.laes.lstm}) run on: OpenBLAS GEMMs
 * on blocks of ND4J buffers ({@link ai.laes.recurrent.NativeMatrix}), element kernels and layout conversions between
 * DL4J's [batch, n, T] arrays and time-major buffers ({@link ai.laes.recurrent.Elements}), DL4J's parameter-key
 * bookkeeping ({@link ai.laes.recurrent.KeyedParamInitializer}) and layer wiring
 * ({@link ai.laes.recurrent.NativeLayers}). It sits below both layers so that neither imports the other.
 */
package ai.laes.recurrent;
