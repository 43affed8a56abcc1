/**
 * The Prometheus Flagger queries: its scrape interval, how many scrapes a metric window needs, and the
 * duration syntax of its queries.
 */
import { parseGoDuration } from '../util/duration';

/** rate() needs two samples in its window; with fewer than four scrapes it often has fewer than two, and the query flakes into "no values found". */
export const MIN_SCRAPES_PER_WINDOW = 4;

/** Prometheus' duration syntax, used inside `rate(...[interval])`. */
export const PROMETHEUS_DURATION = /^(\d+y)?(\d+w)?(\d+d)?(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** What a scrape interval must be, for error messages: `... must be a positive Go duration such as 15s or 1m`. */
export const SCRAPE_INTERVAL_SYNTAX = 'a positive Go duration such as 15s or 1m';

/** A scrape interval in milliseconds from a Go duration such as `15s`; undefined unless it is one and positive. */
export function parseScrapeInterval(text: unknown): number | undefined {
  const ms = typeof text === 'string' ? parseGoDuration(text) : undefined;
  return ms !== undefined && ms > 0 ? ms : undefined;
}
