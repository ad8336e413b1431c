package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.laes.io.InputException;
import org.junit.jupiter.api.Test;

/** The report's budgets by name, and which models the memory settings of a budget reach. */
class ReportBudgetTest {
    @Test
    void theStandardBudgetIsTheIssuesSetup() {
        ReportBudget b = ReportBudget.named("Standard");
        assertSame(ReportBudget.STANDARD, b);
        assertEquals(10000, b.finetuneTrain());
        assertEquals(0, b.finetuneValidation(), "the full validation split");
        assertEquals(0, b.readoutTest(), "the full test split");
        assertEquals(0, b.testNeeded());
        assertEquals(10000, b.trainNeeded());
        assertEquals(3, b.epochs());
        assertEquals(1e-4, b.learningRate(), 0.0);
        assertEquals(1e-2, b.orthogonalityPenaltyOf(InitialisationStudy.LMN_ORTHOGONAL), 0.0);
        for (String model : new String[] {InitialisationStudy.LMN_LAES, InitialisationStudy.LMN_RANDOM, InitialisationStudy.LSTM}) {
            assertEquals(0, b.orthogonalityPenaltyOf(model), 0.0, model);
            assertEquals(0, b.detachProbabilityOf(model), 0.0, model);
        }
        assertEquals(1e-2, ((Number) b.asMap().get("finetune_orthogonality_penalty_lmn_orthogonal")).doubleValue(), 0.0);
    }

    @Test
    void budgetsKeepTheirMemorySettingsWhenCappedOrOverriddenAndTheLstmNeverDetaches() {
        ReportBudget b = new ReportBudget(10, 10, LearningRateSearch.upTo(100), 10, 10, 4, 10, 10, 1, 1e-4, 8, 2, 0.1, 0.25)
                .limitedTo(5).withFinetuning(2, 1e-3);
        assertEquals(0.1, b.orthogonalityPenalty(), 0.0);
        assertEquals(0.25, b.detachProbabilityOf(InitialisationStudy.LMN_LAES), 0.0);
        assertEquals(0, b.detachProbabilityOf(InitialisationStudy.LSTM), 0.0);
        assertEquals(5, b.finetuneTrain());
        assertEquals(2, b.epochs());
        InputException e = assertThrows(InputException.class, () -> ReportBudget.named("huge"));
        assertEquals("--budget huge: unknown budget (expected quick, standard or full)", e.getMessage());
    }
}
