/** The Linear Memory Network as a Deeplearning4j recurrent layer, with hand-written backpropagation through time. */
package ai.laes.lmn;
