package ai.laes.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verdict block at the head of the page: for each claim of docs/laes-math.md, "What the paper claims" and each task, the measured
 * figures that bear on it, a verdict by a fixed rule, and the budget it was measured at. The same records go into
 * {@code summary.json} ("verdicts") and onto the page, so every number of the block is one of summary.json's.
 * <ol>
 *   <li>Reconstruction, at the longest T: the LAES memory against the gradient-trained one (both with the tied
 *       decoder) and against the random orthogonal one (both with per-lag least-squares decoders). Supported when
 *       both errors ratios are at most {@link #MUCH_LOWER}; not measurable when no learning rate lowered the
 *       gradient-trained memory's loss (a comparison with an untrained memory proves nothing), unless the random
 *       comparison already fails.</li>
 *   <li>Gradients, during fine-tuning: ||dL/dm_1|| / ||dL/dm_T|| of the LAES-initialised LMN between
 *       {@link #REACH} and 1 / {@link #REACH} (neither vanished nor exploded over T - 1 steps) both at initialisation
 *       (the first iteration of fine-tuning) and after the last completed epoch ({@link GradientProbe}).</li>
 *   <li>Classification: the fine-tuned LAES-initialised LMN's test accuracy against every other model's at the same
 *       budget: supported when it leads by more than the spread between seeds ({@link FinetuneStudy.SeedSpread}), not
 *       supported when another model leads it by more, else not measurable; at a budget shorter than
 *       {@link #REFERENCE_EPOCHS} epochs on the whole training split a lead says which start gets there first.</li>
 * </ol>
 */
public final class Verdicts {
    /** "Much lower" error, read as at most half the other memory's. */
    public static final double MUCH_LOWER = 0.5;
    /** Gradients reach step 1 when its norm is within this factor (either way) of step T's. */
    public static final double REACH = 1e-2;
    /** Epochs of the reference fine-tuning (docs/laes-math.md, "What the paper claims"). */
    public static final int REFERENCE_EPOCHS = 100;
    static final String[] CLAIMS = {
        "The LAES memory reconstructs long sequences with much lower error than memories of the same size obtained "
                + "otherwise (random orthogonal, or trained by gradient descent through time).",
        "With LAES initialisation, gradients reach early time steps during fine-tuning (norms of dL/dm_t do not vanish "
                + "with distance from the end).",
        "LAES pretraining supports solving the task better than the other starts (classification, T = 784)."};
    static final String[] MEASURES = {
        "test reconstruction MSE at the longest T of the memories of the same size, and their ratios",
        "||dL/dm_1|| / ||dL/dm_T|| of the LMN under each initialisation, at initialisation and after the last epoch",
        "test accuracy of each model after fine-tuning, against the spread between seeds"};

    /** A verdict. */
    public enum Outcome {
        SUPPORTED("supported"),
        NOT_SUPPORTED("not supported"),
        NOT_MEASURABLE("not measurable at this budget");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One measured number and what it is. */
    public record Figure(String label, double value) {
    }

    /** Claim {@code claim} (1-3) on {@code task}: the figures, the verdict and why, and the budget. */
    public record Verdict(int claim, String task, List<Figure> figures, Outcome outcome, String reason, String budget) {
        public String statement() {
            return CLAIMS[claim - 1];
        }

        /** What the figures are. */
        public String measured() {
            return MEASURES[claim - 1];
        }
    }

    private Verdicts() {
    }

    /** Claim 1 per task, then claim 2 per task, then claim 3 per task. */
    public static List<Verdict> of(ReportPage.Content c) {
        List<Verdict> out = new ArrayList<>();
        c.tasks().forEach(r -> out.add(reconstruction(r, c)));
        c.tasks().forEach(r -> out.add(gradients(r, c)));
        c.tasks().forEach(r -> out.add(accuracy(r, c)));
        return out;
    }

    static Verdict reconstruction(ReportPage.TaskResult r, ReportPage.Content c) {
        ReconstructionStudy.Result recon = r.reconstruction();
        int t = recon.points().stream().mapToInt(ReconstructionStudy.Point::length).max().orElse(0);
        Map<String, Double> mse = new LinkedHashMap<>();
        recon.points().stream().filter(p -> p.length() == t).forEach(p -> mse.put(p.method(), p.mse()));
        int p = recon.points().stream().filter(q -> q.length() == t).mapToInt(ReconstructionStudy.Point::p).findFirst().orElse(0);
        double laes = mse.getOrDefault(ReconstructionStudy.LAES, Double.NaN);
        double gd = mse.getOrDefault(ReconstructionStudy.GRADIENT_DESCENT, Double.NaN);
        double lag = mse.getOrDefault(ReconstructionStudy.LAES_LAG_DECODER, Double.NaN);
        double random = mse.getOrDefault(ReconstructionStudy.RANDOM, Double.NaN);
        List<Figure> figures = List.of(new Figure(ReconstructionStudy.LAES, laes), new Figure(ReconstructionStudy.GRADIENT_DESCENT, gd),
                new Figure(ReconstructionStudy.LAES + " / " + ReconstructionStudy.GRADIENT_DESCENT, laes / gd),
                new Figure(ReconstructionStudy.LAES_LAG_DECODER, lag), new Figure(ReconstructionStudy.RANDOM, random),
                new Figure(ReconstructionStudy.LAES_LAG_DECODER + " / " + ReconstructionStudy.RANDOM, lag / random));
        Optional<ReconstructionStudy.Training> trained = recon.gdTraining().stream().filter(g -> g.length() == t).findFirst();
        LearningRateSearch search = c.budget().gdSearch();
        String budget = "T = " + t + ", p = " + p + "; fitted on " + ReportPage.count(c.budget().reconstructionTrain())
                + " training and scored on " + ReportPage.count(c.budget().reconstructionTest()) + " test sequences; "
                + "gradient descent: Adam at " + rates(search) + ", at most " + search.maxSteps() + " steps";
        Outcome outcome;
        String reason;
        if (!Double.isFinite(laes / gd) || !Double.isFinite(lag / random)) {
            outcome = Outcome.NOT_MEASURABLE;
            reason = "an error at T = " + t + " is missing or not finite";
        } else if (lag / random > MUCH_LOWER) {
            outcome = Outcome.NOT_SUPPORTED;
            reason = "with the same per-lag decoders, the LAES memory's error is more than " + MUCH_LOWER + " of the random "
                    + "orthogonal memory's";
        } else if (trained.isEmpty() || !trained.get().chosen().improved()) {
            outcome = Outcome.NOT_MEASURABLE;
            reason = "no learning rate tried lowered the gradient-trained memory's training loss at T = " + t
                    + ": it is the untrained initialisation";
        } else if (laes / gd > MUCH_LOWER) {
            outcome = Outcome.NOT_SUPPORTED;
            reason = "the LAES error is more than " + MUCH_LOWER + " of the trained memory's";
        } else {
            outcome = Outcome.SUPPORTED;
            reason = "the LAES error is at most " + MUCH_LOWER + " of both the trained and the random memory's";
        }
        return new Verdict(1, r.task(), figures, outcome, reason, budget);
    }

    static Verdict gradients(ReportPage.TaskResult r, ReportPage.Content c) {
        List<Figure> figures = new ArrayList<>();
        List<GradientProbe.At> laes = List.of();
        int t = 0;
        for (FinetuneStudy.Run run : r.runs()) {
            List<GradientProbe.At> probes = run.gradients();
            if (probes.isEmpty()) {
                continue;
            }
            GradientProbe.At first = probes.get(0), last = probes.get(probes.size() - 1);
            t = first.norms().length;
            figures.add(new Figure(run.model() + " " + when(first), first.ratio()));
            if (last != first) {
                figures.add(new Figure(run.model() + " " + when(last), last.ratio()));
            }
            if (run.model().equals(InitialisationStudy.LMN_LAES)) {
                laes = List.of(first, last);
            }
        }
        String budget = "at the first iteration of fine-tuning and after its last completed epoch, mean over "
                + c.budget().probeBatch() + " training sequences, T = " + t + ", p = " + c.memorySize();
        if (laes.isEmpty() || laes.stream().anyMatch(a -> !(Double.isFinite(a.ratio()) && a.ratio() > 0))) {
            return new Verdict(2, r.task(), figures, Outcome.NOT_MEASURABLE,
                    "the LAES-initialised LMN's ratio is missing, zero or not finite", budget);
        }
        for (GradientProbe.At a : laes) {
            if (a.ratio() < REACH) {
                return new Verdict(2, r.task(), figures, Outcome.NOT_SUPPORTED,
                        when(a) + ", the gradient at step 1 is below " + REACH + " of that at step T (vanished)", budget);
            }
            if (a.ratio() > 1 / REACH) {
                return new Verdict(2, r.task(), figures, Outcome.NOT_SUPPORTED, when(a) + ", the gradient at step 1 is above "
                        + ReportPage.fmt(1 / REACH) + " times that at step T (exploded)", budget);
            }
        }
        return new Verdict(2, r.task(), figures, Outcome.SUPPORTED, when(laes.get(0))
                + (laes.get(1) != laes.get(0) ? " and " + when(laes.get(1)) : "") + ", the gradient at step 1 is within a factor "
                + ReportPage.fmt(1 / REACH) + " of that at step T", budget);
    }

    /** "at initialisation" or "after epoch e". */
    static String when(GradientProbe.At a) {
        return a.epoch() == 0 ? "at initialisation" : "after epoch " + a.epoch();
    }

    /**
     * Claim 3 on one task: the fine-tuned test accuracy of the LAES-initialised LMN against the best of the other
     * models at the same budget, by the rule of docs/results.md: supported when it leads by more than the spread
     * between seeds, not supported when another model leads it by more than the spread, else not measurable (the two
     * cannot be told apart). At a budget shorter than the reference's a lead says the LAES start gets there first.
     */
    static Verdict accuracy(ReportPage.TaskResult r, ReportPage.Content c) {
        ReportBudget b = c.budget();
        List<Figure> figures = new ArrayList<>();
        double laes = Double.NaN;
        FinetuneStudy.Run rival = null;
        for (FinetuneStudy.Run run : r.runs()) {
            figures.add(new Figure(run.model(), run.finetuned().accuracy()));
            if (run.model().equals(InitialisationStudy.LMN_LAES)) {
                laes = run.finetuned().accuracy();
            } else if (rival == null || run.finetuned().accuracy() > rival.finetuned().accuracy()) {
                rival = run;
            }
        }
        double spread = r.seedSpread().spread();
        figures.add(new Figure("spread between seeds", spread));
        boolean reference = b.finetuneTrain() == 0 && b.epochs() >= REFERENCE_EPOCHS;
        String budget = "fine-tuning " + b.epochs() + " epochs over " + ReportPage.count(b.finetuneTrain()) + " training sequences (Adam "
                + b.learningRate() + ", batch " + b.batchSize() + "); test on " + ReportPage.count(b.readoutTest()) + " sequences; seed spread "
                + r.seedSpread().how();
        Outcome outcome;
        String reason;
        if (!Double.isFinite(laes) || rival == null || !(spread >= 0)) {
            outcome = Outcome.NOT_MEASURABLE;
            reason = !Double.isFinite(laes) ? "no fine-tuned LAES-initialised LMN" : rival == null ? "no other model to compare with"
                    : "no spread between seeds";
        } else {
            double lead = laes - rival.finetuned().accuracy();
            String margin = String.format(Locale.ROOT, "%.4f, the spread between seeds %.4f", Math.abs(lead), spread);
            if (lead > spread) {
                outcome = Outcome.SUPPORTED;
                reason = "the LAES-initialised LMN beats every other model's test accuracy (the best, " + rival.model() + ", by "
                        + margin + ")" + (reference ? "" : "; at a budget shorter than the reference's " + REFERENCE_EPOCHS
                        + " epochs this says it gets there first");
            } else if (-lead > spread) {
                outcome = Outcome.NOT_SUPPORTED;
                reason = rival.model() + " beats the LAES-initialised LMN's test accuracy by " + margin;
            } else {
                outcome = Outcome.NOT_MEASURABLE;
                reason = "the LAES-initialised LMN and " + rival.model() + " are within the spread between seeds (" + margin + ")";
            }
        }
        return new Verdict(3, r.task(), figures, outcome, reason, budget);
    }

    /** The verdicts as summary.json holds them. */
    public static List<Map<String, Object>> asMaps(List<Verdict> verdicts) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("claim", v.claim());
            m.put("task", v.task());
            m.put("statement", v.statement());
            m.put("measured", v.measured());
            List<Map<String, Object>> figures = new ArrayList<>();
            for (Figure f : v.figures()) {
                Map<String, Object> fm = new LinkedHashMap<>();
                fm.put("label", f.label());
                fm.put("value", f.value());
                figures.add(fm);
            }
            m.put("figures", figures);
            m.put("verdict", v.outcome().label());
            m.put("reason", v.reason());
            m.put("budget", v.budget());
            out.add(m);
        }
        return out;
    }

    /**
     * The block, {@code <section id="verdicts">}: per claim a heading row (the claim, what was measured), then one
     * row per task; each figure in a {@code <span class="figure">} whose {@code data-value} is the exact number
     * (Java's shortest round-trip decimal) and whose text is it to 4 significant digits.
     */
    public static void html(StringBuilder h, List<Verdict> verdicts) {
        h.append("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n<p>Each claim of the paper, per task: what this run measured, "
                + "the verdict by a fixed rule (<a href=\"#rules\">below</a>) and the budget it was measured at. Generated from the "
                + "<code>verdicts</code> list of <a href=\"summary.json\">summary.json</a>.</p>\n"
                + "<table><tr><th>task</th><th>measured</th><th>verdict</th><th>why</th><th>budget</th></tr>\n");
        int claim = 0;
        for (Verdict v : verdicts) {
            if (v.claim() != claim) {
                claim = v.claim();
                h.append("<tr><th class=\"text\" colspan=\"5\">").append(claim).append(". ").append(escape(v.statement()))
                        .append("<br><small>Measured: ").append(escape(v.measured())).append(".</small></th></tr>\n");
            }
            h.append("<tr data-claim=\"").append(v.claim()).append("\" data-task=\"").append(v.task()).append("\"><td>")
                    .append(v.task()).append("</td><td class=\"text figures\">");
            for (Figure f : v.figures()) {
                h.append(escape(f.label())).append(": <span class=\"figure\" data-value=\"").append(f.value()).append("\">")
                        .append(ReportPage.fmt(f.value())).append("</span><br>");
            }
            h.append("</td><td class=\"").append(v.outcome().name().toLowerCase(Locale.ROOT).replace('_', '-')).append("\"><b>")
                    .append(v.outcome().label()).append("</b></td><td class=\"text\">").append(escape(v.reason()))
                    .append("</td><td class=\"text\">").append(escape(v.budget())).append("</td></tr>\n");
        }
        h.append("</table>\n<p id=\"rules\">Rules. Claim 1, at the longest T: supported when the LAES error is at most ")
                .append(MUCH_LOWER).append(" of both other memories' of the same size, each compared like for like (tied decoders "
                        + "with the gradient-trained memory, per-lag least-squares decoders with the random orthogonal one); not "
                        + "measurable when no learning rate lowered the gradient-trained memory's loss. Claim 2: supported when "
                        + "||dL/dm_1|| / ||dL/dm_T|| of the LAES-initialised LMN is between ").append(REACH).append(" and ")
                .append(ReportPage.fmt(1 / REACH)).append(" both at initialisation and after the last completed fine-tuning epoch. "
                        + "Claim 3: supported when the fine-tuned LAES-initialised LMN's test accuracy beats every other model's at "
                        + "the same budget by more than the spread between seeds (below the table of section 3); not supported when "
                        + "another model beats it by more; else not measurable. At a budget shorter than the reference's (")
                .append(REFERENCE_EPOCHS).append(" epochs on the whole training split) a lead says which start gets there first, "
                        + "not which ends better.</p>\n</section>\n");
    }

    private static String rates(LearningRateSearch search) {
        List<Double> r = search.learningRates();
        return r.size() == 1 ? "learning rate " + r.get(0) : r.size() + " learning rates from " + r.get(0) + " to " + r.get(r.size() - 1);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
