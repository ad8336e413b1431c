package ai.laes.train;

/** The recurrent classifier a fine-tuning trains ({@code --model}). */
public enum Architecture {
    /** The Linear Memory Network (docs/laes-math.md, "The Linear Memory Network"), initialised by an {@link ai.laes.lmn.init.InitScheme}. */
    LMN,
    /** The LSTM baseline: same hidden size, head and training setup. */
    LSTM
}
