# Second, independent reference for test/stats: R's own t.test, prop.test and chisq.test.
#
# Command (run from the repository root; R 4.2, base packages only):
#
#   Rscript test/reference/stats/generate_reference.R
#
# Writes test/fixtures/stats/r-reference.json, recording this command in "generatedBy".
# Raw arrays come from set.seed(); the TypeScript tests get only the sufficient statistics.
# No jsonlite on this machine, so JSON is written by hand with 17 significant digits.

command <- "Rscript test/reference/stats/generate_reference.R"
num <- function(x) sprintf("%.17g", x)
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste0('"', names(kv), '": ', unlist(kv), collapse = ", "), "}")
}
str <- function(s) paste0('"', s, '"')
arr <- function(xs) paste0("[", paste(xs, collapse = ", "), "]")
sums <- function(y) obj(n = num(length(y)), sum = num(sum(y)), sumSquares = num(sum(y * y)))

set.seed(20240502)
welch_data <- list(
  list(name = "normal arms", c = rnorm(300, 100, 20), t = rnorm(280, 104, 25), level = 0.95),
  list(name = "exponential revenue, 90%", c = rexp(150, 1 / 40), t = rexp(170, 1 / 46), level = 0.90),
  list(name = "small arms, 99%", c = c(12, 15, 9, 11, 14, 10), t = c(16, 13, 18, 20, 15), level = 0.99)
)
welch <- sapply(welch_data, function(d) {
  r <- t.test(d$t, d$c, var.equal = FALSE, conf.level = d$level)
  obj(
    name = str(d$name), alpha = num(1 - d$level),
    control = sums(d$c), treatment = sums(d$t),
    expected = obj(
      tStatistic = num(unname(r$statistic)), df = num(unname(r$parameter)), pValue = num(r$p.value),
      ciLower = num(r$conf.int[1]), ciUpper = num(r$conf.int[2])
    )
  )
})

prop_data <- list(
  list(name = "moderate lift", xc = 100, nc = 1000, xt = 130, nt = 1000, level = 0.95),
  list(name = "treatment with no conversions", xc = 37, nc = 400, xt = 0, nt = 380, level = 0.95),
  list(name = "large arms, 99%", xc = 4821, nc = 50000, xt = 5012, nt = 50000, level = 0.99)
)
# prop.test(correct = FALSE)'s interval is the unpooled Wald interval of the difference; its
# p-value is the pooled score test, which the product no longer reports (docs/analysis-definitions.md,
# "Statistics": the p-value inverts the CI beside it). The unpooled Wald test is read off R's own
# interval: SE = (upper - lower) / (2 qnorm(1 - alpha/2)), z = (p_t - p_c) / SE, p = 2 pnorm(-|z|).
prop <- sapply(prop_data, function(d) {
  r <- suppressWarnings(prop.test(c(d$xt, d$xc), c(d$nt, d$nc), correct = FALSE, conf.level = d$level))
  se <- (r$conf.int[2] - r$conf.int[1]) / (2 * qnorm(1 - (1 - d$level) / 2))
  z <- (d$xt / d$nt - d$xc / d$nc) / se
  obj(
    name = str(d$name), alpha = num(1 - d$level),
    control = obj(n = num(d$nc), sum = num(d$xc), sumSquares = num(d$xc)),
    treatment = obj(n = num(d$nt), sum = num(d$xt), sumSquares = num(d$xt)),
    expected = obj(
      pooledScorePValue = num(r$p.value), waldPValue = num(2 * pnorm(-abs(z))),
      ciLower = num(r$conf.int[1]), ciUpper = num(r$conf.int[2])
    )
  )
})

chisq_data <- list(
  list(name = "mild imbalance", counts = c(5000, 5300), p = c(0.5, 0.5)),
  list(name = "three arms", counts = c(4980, 5020, 5100), p = c(1, 1, 1) / 3),
  list(name = "configured 20/80 split", counts = c(2100, 7900), p = c(0.2, 0.8))
)
chisq <- sapply(chisq_data, function(d) {
  r <- chisq.test(d$counts, p = d$p)
  obj(
    name = str(d$name), counts = arr(num(d$counts)), weights = arr(num(d$p)),
    expected = obj(chiSquare = num(unname(r$statistic)), pValue = num(r$p.value), df = num(unname(r$parameter)))
  )
})

json <- paste0(
  "{\n",
  '"generatedBy": ', str(command), ",\n",
  '"versions": ', obj(R = str(R.version.string)), ",\n",
  '"description": "R t.test(var.equal = FALSE), prop.test(correct = FALSE) (Wald CI; waldPValue from that CI, pooledScorePValue for reference only) and chisq.test(p = ...) on seeded data (set.seed(20240502)).",\n',
  '"welch": ', arr(paste0("\n ", welch)), ",\n",
  '"twoProportion": ', arr(paste0("\n ", prop)), ",\n",
  '"chiSquare": ', arr(paste0("\n ", chisq)), "\n",
  "}\n"
)
writeLines(json, "test/fixtures/stats/r-reference.json", sep = "")
cat("wrote test/fixtures/stats/r-reference.json\n")
