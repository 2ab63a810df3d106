/**
 * The log pipeline (issue #23): header formats, masking, Drain, sessions, and detection
 * baselines without a neural net. Browser-safe: no file I/O. See docs/logs.md.
 */
export { compileFormat, matchHeader, LOGHUB_FORMATS, GENERIC_FORMATS, MAX_FORMAT_LENGTH, type LogFormat } from './format.js';
export { detectFormat, type DetectedFormat } from './detect-format.js';
export { makeMasker, DEFAULT_MASKS, type Mask, type Masker } from './mask.js';
export { DrainParser, DRAIN_DEFAULTS, WILDCARD, OVERFLOW_EVENT, type DrainOptions, type DrainCluster } from './drain.js';
export { decodeLog, splitLogLines, MAX_LINE_LENGTH, type LineLimits, type LogLines } from './lines.js';
export { parseLogLines, type ParsedLine, type ParsedLog, type ParseLogOptions } from './parse-log.js';
export { sessionsById, windowsByCount, windowsByTime, parseSessionsJsonl, MAX_SESSIONS, type LogSession } from './sessions.js';
export { groupingAccuracy } from './grouping-accuracy.js';
export { fitNgram, topNext, firstAnomaly, detectNgram, START, END, type NgramModel } from './anomaly/ngram.js';
export { fitSeen, detectUnseen, type SeenModel } from './anomaly/unseen.js';
export { scoreDetection, separableCeiling, type DetectionScores, type Ceiling } from './anomaly/evaluate.js';
export { splitSessions, type SessionSplit } from './anomaly/split.js';
export { runBaselines, type BaselineReport } from './anomaly/hdfs-benchmark.js';
export { EventVocabulary, nextEventWindows, timeMajor, PAD_ID, UNKNOWN_ID, START_ID, END_ID, MAX_EVENTS } from './event-windows.js';
export { LineSplitter, StreamDecoder, SessionCloser, MAX_OPEN_SESSIONS, type CloseReason } from './stream-sessions.js';
export { TemplateMatcher } from './template-matcher.js';
