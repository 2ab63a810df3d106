# Reference forecasts for recur's classical baselines (src/forecasting/), computed with R's
# forecast package and the M4 competition's benchmark code (Benchmarks and Evaluation.R,
# github.com/Mcompetitions/M4-methods), on a dozen M1 series from data/m1/.
#
# Run from the repository root:  Rscript scripts/make-forecast-fixtures.R
# Needs: apt-get install -y r-base-core r-cran-forecast   (tested with R 4.2.2, forecast 8.20)
# Writes test/fixtures/forecasting/m1-r-reference.json; the tests read that file, never R.

suppressMessages(library(forecast))

series_names <- c(
  # yearly: ordinary, long, n = 10, and n = 9 (too short for damping: ets falls back to Holt-Winters)
  "YAF2", "YAF6", "YAF8", "YAF10",
  # quarterly: non-seasonal, seasonal, long seasonal, n = 13 (just long enough for the test)
  "QRF1", "QRF2", "QNF1", "QNM1", "QNM6",
  # monthly: non-seasonal, seasonal, short seasonal, long seasonal, non-seasonal, n = 30 (too short for the test)
  "MRF1", "MRM2", "MRM6", "MRM10", "MRM8", "MNB2"
)

# ---- M4 benchmark code (Benchmarks and Evaluation.R), kept as published ----
SeasonalityTest <- function(input, ppy) {
  tcrit <- 1.645
  if (length(input) < 3 * ppy) {
    test_seasonal <- FALSE
  } else {
    xacf <- acf(input, plot = FALSE)$acf[-1, 1, 1]
    clim <- tcrit / sqrt(length(input)) * sqrt(cumsum(c(1, 2 * xacf^2)))
    test_seasonal <- (abs(xacf[ppy]) > clim[ppy])
    if (is.na(test_seasonal) == TRUE) test_seasonal <- FALSE
  }
  return(test_seasonal)
}

naive_seasonal <- function(input, fh) {
  frcy <- frequency(input)
  frcst <- naive(input, h = fh)$mean
  if (frcy > 1) frcst <- head(rep(as.numeric(tail(input, frcy)), fh), fh) + frcst - frcst
  return(frcst)
}

Theta.classic <- function(input, fh) {
  wses <- wlrl <- 0.5
  theta <- 2
  observations <- length(input)
  xt <- c(1:observations)
  xf <- c((observations + 1):(observations + fh))
  train <- data.frame(input = input, xt = xt)
  test <- data.frame(xt = xf)
  estimate <- lm(input ~ poly(xt, 1, raw = TRUE))
  thetaline0In <- as.numeric(predict(estimate))
  thetaline0Out <- as.numeric(predict(estimate, test))
  thetalineT <- theta * input + (1 - theta) * thetaline0In
  sesmodel <- ses(thetalineT, h = fh)
  thetaline2Out <- sesmodel$mean
  forecastsOut <- (thetaline2Out * wses) + (thetaline0Out * wlrl)
  for (i in 1:length(forecastsOut)) if (forecastsOut[i] < 0) forecastsOut[i] <- 0
  return(list(mean = forecastsOut, ses = sesmodel))
}

smape_cal <- function(outsample, forecasts) {
  outsample <- as.numeric(outsample)
  forecasts <- as.numeric(forecasts)
  mean((abs(outsample - forecasts) * 200) / (abs(outsample) + abs(forecasts)))
}

mase_cal <- function(insample, outsample, forecasts) {
  frq <- frequency(insample)
  forecastsNaiveSD <- rep(NA, frq)
  for (j in (frq + 1):length(insample)) forecastsNaiveSD <- c(forecastsNaiveSD, insample[j - frq])
  masep <- mean(abs(insample - forecastsNaiveSD), na.rm = TRUE)
  mean(abs(as.numeric(outsample) - as.numeric(forecasts)) / masep)
}

# ---- helpers ----
# Fitted smoothing parameters and initial states of an ets fit (or its Holt-Winters fallback).
fit_info <- function(model) {
  par <- model$par
  get <- function(name) if (!is.na(par[name])) unname(par[name]) else NULL
  list(
    method = model$method, alpha = get("alpha"), beta = get("beta"), phi = get("phi"),
    l0 = unname(model$initstate["l"]), b0 = if ("b" %in% names(model$initstate)) unname(model$initstate["b"]) else NULL,
    mse = if (!is.null(model$mse)) model$mse else mean(model$residuals^2)
  )
}

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", as.numeric(x))) # NaN/NA as JSON null
to_json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (!is.null(names(x))) {
      keep <- !vapply(x, is.null, logical(1))
      x <- x[keep]
      return(paste0("{", paste0('"', names(x), '":', vapply(x, to_json, ""), collapse = ","), "}"))
    }
    return(paste0("[", paste(vapply(x, to_json, ""), collapse = ","), "]"))
  }
  if (is.logical(x)) return(if (length(x) == 1) tolower(as.character(x)) else paste0("[", paste(tolower(x), collapse = ","), "]"))
  if (is.character(x)) return(paste0('"', x, '"'))
  if (length(x) == 1 && is.null(attr(x, "array"))) return(num(x))
  paste0("[", paste(num(x), collapse = ","), "]")
}
vec <- function(x) structure(as.numeric(x), array = TRUE) # always a JSON array, even of length 1

# ---- read the M1 copy in the repository ----
freq_files <- c(yearly = 1, quarterly = 4, monthly = 12)
load_part <- function(kind, part) read.csv(sprintf("data/m1/m1_%s_%s.csv", kind, part), stringsAsFactors = FALSE)

# `--all FILE`: every M1 series, forecasts and accuracy only (to measure agreement on all 1,001
# series; too large to keep as a fixture).
args <- commandArgs(trailingOnly = TRUE)
all_series <- length(args) == 2 && args[1] == "--all"

out <- list()
means <- list()
for (kind in names(freq_files)) {
  train <- load_part(kind, "train")
  test <- load_part(kind, "test")
  meta <- load_part(kind, "meta")
  sums <- NULL
  for (name in meta$series) {
    m <- meta$frequency[meta$series == name]
    h <- meta$h[meta$series == name]
    values <- train$value[train$series == name][order(train$t[train$series == name])]
    actual <- test$value[test$series == name][order(test$t[test$series == name])]
    input <- ts(values, frequency = m)

    # M4 Benchmarks(): seasonal adjustment by the 90% test, then the methods on the adjusted data.
    ST <- if (m > 1) SeasonalityTest(input, m) else FALSE
    decomposition <- NULL
    if (m > 1 && length(input) >= 2 * m) {
      Dec <- decompose(input, type = "multiplicative")
      decomposition <- list(
        figure = vec(Dec$figure),
        trend = vec(Dec$trend)
      )
    }
    if (ST) {
      Dec <- decompose(input, type = "multiplicative")
      des_input <- input / Dec$seasonal
      SIout <- head(rep(Dec$seasonal[(length(Dec$seasonal) - m + 1):length(Dec$seasonal)], h), h)
    } else {
      des_input <- input
      SIout <- rep(1, h)
    }
    xacf <- if (length(input) > m) acf(input, plot = FALSE, lag.max = max(m, 1))$acf[-1, 1, 1] else NULL

    ses_fit <- ses(des_input, h = h)
    holt_fit <- holt(des_input, h = h, damped = FALSE)
    damped_fit <- suppressWarnings(holt(des_input, h = h, damped = TRUE))
    theta_fit <- Theta.classic(des_input, h)
    f <- list(
      naive = vec(naive(input, h = h)$mean),
      seasonalNaive = vec(naive_seasonal(input, fh = h)),
      naive2 = vec(naive(des_input, h = h)$mean * SIout),
      ses = vec(ses_fit$mean * SIout),
      holt = vec(holt_fit$mean * SIout),
      damped = vec(damped_fit$mean * SIout),
      theta = vec(theta_fit$mean * SIout),
      thetaf = vec(suppressWarnings(thetaf(input, h = h))$mean)
    )
    f$comb <- vec((f$ses + f$holt + f$damped) / 3)
    accuracy <- lapply(f, function(fc) list(smape = smape_cal(actual, fc), mase = mase_cal(input, actual, fc)))

    # Every series adds to the per-frequency means; only the chosen ones are stored in full.
    scores <- sapply(accuracy, function(a) c(a$smape, a$mase))
    sums <- if (is.null(sums)) scores else sums + scores
    if (all_series) {
      out[[length(out) + 1]] <- list(series = name, kind = kind, seasonal = ST, forecasts = f, accuracy = accuracy)
      next
    }
    if (!(name %in% series_names)) next
    # 95% intervals: naive and snaive on the series (forecast's lagwalk), the others on the adjusted
    # series (forecast.ets class 1 / lagwalk) times the indices, as recur's m4BenchmarkIntervals.
    bounds <- function(fc, scale = 1) list(lower = vec(fc$lower[, "95%"] * scale), upper = vec(fc$upper[, "95%"] * scale))
    intervals95 <- list(
      naive = bounds(naive(input, h = h, level = 95)),
      seasonalNaive = bounds(snaive(input, h = h, level = 95)),
      naive2 = bounds(naive(des_input, h = h, level = 95), SIout),
      ses = bounds(ses_fit, SIout), holt = bounds(holt_fit, SIout), damped = bounds(damped_fit, SIout)
    )
    out[[length(out) + 1]] <- list(
      series = name, kind = kind, frequency = m, h = h, intervals95 = intervals95,
      y = vec(values), actual = vec(actual),
      acf = if (is.null(xacf)) NULL else vec(xacf),
      seasonal = ST, seasonalIndices = vec(SIout), decomposition = decomposition,
      forecasts = f,
      fits = list(ses = fit_info(ses_fit$model), holt = fit_info(holt_fit$model),
                  damped = fit_info(damped_fit$model), thetaSes = fit_info(theta_fit$ses$model)),
      accuracy = accuracy
    )
  }
  means[[kind]] <- lapply(setNames(colnames(sums), colnames(sums)), function(k) list(
    smape = sums[1, k] / nrow(meta), mase = sums[2, k] / nrow(meta)))
}

dir.create("test/fixtures/forecasting", recursive = TRUE, showWarnings = FALSE)
doc <- list(
  source = "scripts/make-forecast-fixtures.R",
  r = R.version.string, forecast = as.character(packageVersion("forecast")),
  series = out,
  m1Means = means # mean sMAPE and MASE of every method over all M1 series of each frequency
)
target <- if (all_series) args[2] else "test/fixtures/forecasting/m1-r-reference.json"
tmp <- paste0(target, ".tmp")
writeLines(to_json(doc), tmp)
invisible(file.rename(tmp, target))
cat("wrote", target, "with", length(out), "series\n")
