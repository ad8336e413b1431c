package ai.laes.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import ai.laes.report.Verdicts.Outcome;
import org.junit.jupiter.api.Test;

/** The verdict rules on made-up results around each threshold, and the block rendering the same numbers. */
class VerdictsTest {
    static final TiedMemoryTrainer.Trial TRAINED = new TiedMemoryTrainer.Trial(1e-5, 1687, 0.0932, 0.0718, 1642,
            TiedMemoryTrainer.Stop.PLATEAU);
    static final TiedMemoryTrainer.Trial UNTRAINED = new TiedMemoryTrainer.Trial(1e-6, 50, 0.0932, 0.0932, 0,
            TiedMemoryTrainer.Stop.PLATEAU);

    /** One task: MSEs at T = 784 (laes, gd, lag, random), the gd run there, LMN-LAES gradient ratio, its fine-tuned accuracy. */
    static ReportPage.TaskResult task(double laes, double gd, double lag, double random, TiedMemoryTrainer.Trial trial,
            double ratio, double accuracy) {
        return task(laes, gd, lag, random, trial, ratio, 1.0, accuracy);
    }

    /** The same, with the LMN-LAES gradient ratio at initialisation and after the last (third) epoch. */
    static ReportPage.TaskResult task(double laes, double gd, double lag, double random, TiedMemoryTrainer.Trial trial,
            double ratio, double lastRatio, double accuracy) {
        List<ReconstructionStudy.Point> points = List.of(
                new ReconstructionStudy.Point(49, 49, ReconstructionStudy.LAES, 1e-30),
                new ReconstructionStudy.Point(784, 128, ReconstructionStudy.LAES, laes),
                new ReconstructionStudy.Point(784, 128, ReconstructionStudy.RANDOM, random),
                new ReconstructionStudy.Point(784, 128, ReconstructionStudy.GRADIENT_DESCENT, gd),
                new ReconstructionStudy.Point(784, 128, ReconstructionStudy.LAES_LAG_DECODER, lag));
        ReconstructionStudy.Result recon = new ReconstructionStudy.Result(points, null,
                List.of(new ReconstructionStudy.Training(49, 49, UNTRAINED, List.of(UNTRAINED)),
                        new ReconstructionStudy.Training(784, 128, trial, List.of(trial))));
        double[] norms = new double[784];
        java.util.Arrays.fill(norms, 1.0);
        norms[0] = ratio;
        double[] last = norms.clone();
        last[0] = lastRatio;
        double[] exploding = norms.clone();
        exploding[0] = 4e45;
        List<InitialisationStudy.Outcome> outcomes = List.of(
                new InitialisationStudy.Outcome(InitialisationStudy.LMN_LAES, 0.81, null),
                new InitialisationStudy.Outcome(InitialisationStudy.LMN_ORTHOGONAL, 0.13, null),
                new InitialisationStudy.Outcome(InitialisationStudy.LSTM, 0.42, null));
        List<FinetuneStudy.Run> runs = List.of(
                run(InitialisationStudy.LMN_LAES, 0.81, accuracy, 3, 0,
                        List.of(new GradientProbe.At(0, norms), new GradientProbe.At(1, norms), new GradientProbe.At(3, last))),
                run(InitialisationStudy.LMN_ORTHOGONAL, 0.13, 0.11, 0, 1, List.of(new GradientProbe.At(0, exploding))),
                run(InitialisationStudy.LSTM, 0.42, 0.14, 1, 0, List.of()));
        return new ReportPage.TaskResult("smnist", 2000, 500, 1000, recon, outcomes, runs, new FinetuneStudy.SeedSpread(SPREAD, "test"));
    }

    /** The spread between seeds of the tasks above. */
    static final double SPREAD = 0.01;

    static FinetuneStudy.Run run(String model, double readout, double accuracy, int best, int diverged, List<GradientProbe.At> g) {
        return new FinetuneStudy.Run(model, readout, new FinetuneStudy.Score(readout, 1.5), new FinetuneStudy.Score(accuracy, 0.5),
                List.of(), best, diverged, g);
    }

    static List<Verdicts.Verdict> verdicts(ReportBudget budget, ReportPage.TaskResult task) {
        return Verdicts.of(new ReportPage.Content(128, 42, budget, List.of(task)));
    }

    static Outcome outcome(ReportBudget budget, int claim, ReportPage.TaskResult task) {
        return verdicts(budget, task).get(claim - 1).outcome();
    }

    @Test
    void claimOneNeedsHalfTheErrorOfBothMemoriesAndATrainedOne() {
        ReportBudget q = ReportBudget.QUICK;
        // the quick report's sMNIST numbers at T = 784, the gd memory trained
        assertEquals(Outcome.SUPPORTED, outcome(q, 1, task(0.0126, 0.0718, 0.0077, 0.0386, TRAINED, 0.1, 0.8)));
        // the same, the gd memory untrained: nothing to compare with
        assertEquals(Outcome.NOT_MEASURABLE, outcome(q, 1, task(0.0126, 0.0932, 0.0077, 0.0386, UNTRAINED, 0.1, 0.8)));
        // pMNIST: with the same per-lag decoders, LAES 0.0121 against random 0.0113: not supported, trained or not
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 1, task(0.0708, 0.0738, 0.0121, 0.0113, UNTRAINED, 0.1, 0.8)));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 1, task(0.0708, 0.0738, 0.0121, 0.0113, TRAINED, 0.1, 0.8)));
        // exactly half passes, just above fails
        assertEquals(Outcome.SUPPORTED, outcome(q, 1, task(0.05, 0.1, 0.02, 0.04, TRAINED, 0.1, 0.8)));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 1, task(0.0501, 0.1, 0.02, 0.04, TRAINED, 0.1, 0.8)));
        assertEquals(Outcome.NOT_MEASURABLE, outcome(q, 1, task(Double.NaN, 0.1, 0.02, 0.04, TRAINED, 0.1, 0.8)));
        List<Verdicts.Figure> f = verdicts(q, task(0.0126, 0.0718, 0.0077, 0.0386, TRAINED, 0.1, 0.8)).get(0).figures();
        assertEquals(List.of(0.0126, 0.0718, 0.0126 / 0.0718, 0.0077, 0.0386, 0.0077 / 0.0386),
                f.stream().map(Verdicts.Figure::value).toList());
        assertTrue(verdicts(q, task(0.0126, 0.0718, 0.0077, 0.0386, TRAINED, 0.1, 0.8)).get(0).budget().startsWith("T = 784, p = 128"));
    }

    @Test
    void claimTwoNeedsTheFirstStepsGradientWithinAHundredfoldOfTheLast() {
        ReportBudget q = ReportBudget.QUICK;
        assertEquals(Outcome.SUPPORTED, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.0977, 0.8)));
        assertEquals(Outcome.SUPPORTED, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.01, 0.8)));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.0099, 0.8)));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 101, 0.8)));
        assertEquals(Outcome.NOT_MEASURABLE, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, Double.NaN, 0.8)));
        List<Verdicts.Figure> f = verdicts(q, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.0977, 0.8)).get(1).figures();
        assertEquals(List.of(0.0977, 1.0, 4e45), f.stream().map(Verdicts.Figure::value).toList(),
                "the LMNs' ratios at initialisation and after the last epoch (none for a run that diverged), not the LSTM's");
        assertEquals(List.of("lmn-laes at initialisation", "lmn-laes after epoch 3", "lmn-orthogonal at initialisation"),
                f.stream().map(Verdicts.Figure::label).toList());
    }

    @Test
    void claimTwoAlsoNeedsTheRatioAfterTheLastEpochInRange() {
        ReportBudget q = ReportBudget.QUICK;
        Verdicts.Verdict vanished = verdicts(q, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.5, 1e-3, 0.8)).get(1);
        assertEquals(Outcome.NOT_SUPPORTED, vanished.outcome());
        assertTrue(vanished.reason().startsWith("after epoch 3, the gradient at step 1 is below"), vanished.reason());
        assertEquals(Outcome.NOT_SUPPORTED, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.5, 101, 0.8)));
        assertEquals(Outcome.NOT_MEASURABLE, outcome(q, 2, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.5, Double.NaN, 0.8)));
        Verdicts.Verdict both = verdicts(q, task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.5, 0.02, 0.8)).get(1);
        assertEquals(Outcome.SUPPORTED, both.outcome());
        assertTrue(both.reason().startsWith("at initialisation and after epoch 3,"), both.reason());
    }

    @Test
    void claimThreeNeedsALeadOverEveryOtherModelLargerThanTheSpreadBetweenSeeds() {
        // The best other model (the LSTM) is at 0.14; the spread between seeds is 0.01.
        ReportPage.TaskResult ahead = task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.1, 0.1501);
        ReportPage.TaskResult within = task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.1, 0.1499);
        ReportPage.TaskResult behind = task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.1, 0.1299);
        ReportPage.TaskResult level = task(0.01, 0.07, 0.007, 0.04, TRAINED, 0.1, 0.1301);
        assertEquals(Outcome.SUPPORTED, outcome(ReportBudget.QUICK, 3, ahead));
        assertEquals(Outcome.NOT_MEASURABLE, outcome(ReportBudget.QUICK, 3, within));
        assertEquals(Outcome.NOT_MEASURABLE, outcome(ReportBudget.QUICK, 3, level));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(ReportBudget.QUICK, 3, behind));
        assertEquals(Outcome.NOT_SUPPORTED, outcome(ReportBudget.FULL, 3, behind));
        Verdicts.Verdict quick = verdicts(ReportBudget.QUICK, ahead).get(2);
        assertTrue(quick.reason().contains("gets there first"), quick.reason());
        assertTrue(quick.reason().contains("the best, lstm,"), quick.reason());
        Verdicts.Verdict full = verdicts(ReportBudget.FULL, ahead).get(2);
        assertEquals(Outcome.SUPPORTED, full.outcome());
        assertTrue(!full.reason().contains("gets there first"), "at the reference budget a lead is a lead: " + full.reason());
        assertTrue(verdicts(ReportBudget.QUICK, behind).get(2).reason().startsWith("lstm beats"));
        assertEquals(List.of(0.1501, 0.11, 0.14, SPREAD),
                quick.figures().stream().map(Verdicts.Figure::value).toList());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBlockShowsExactlyTheNumbersOfTheSummary() {
        List<Verdicts.Verdict> v = verdicts(ReportBudget.QUICK, task(0.0126, 0.0718, 0.0077, 0.0386, TRAINED, 0.0977, 0.782));
        StringBuilder h = new StringBuilder();
        Verdicts.html(h, v);
        String html = h.toString();
        assertTrue(html.startsWith("<section id=\"verdicts\">"));
        List<Double> summary = new ArrayList<>();
        for (Map<String, Object> m : Verdicts.asMaps(v)) {
            for (Map<String, Object> f : (List<Map<String, Object>>) m.get("figures")) {
                summary.add((Double) f.get("value"));
            }
            assertTrue(html.contains(">" + m.get("verdict") + "<"), m.toString());
        }
        List<Double> shown = new ArrayList<>();
        Matcher m = Pattern.compile("data-value=\"([^\"]+)\">([^<]+)</span>").matcher(html);
        while (m.find()) {
            double value = Double.parseDouble(m.group(1));
            shown.add(value);
            assertEquals(ReportPage.fmt(value), m.group(2));
        }
        assertEquals(summary, shown);
        assertEquals(3, html.split("<tr data-claim=").length - 1);
    }
}
