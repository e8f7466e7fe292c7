import type { HourlyCounts, StatusClass } from '../../../platform/request-log/repository.js';

/** Drawn bottom to top: successes first, so errors sit on top where the eye lands. */
export const CHART_CLASSES: readonly StatusClass[] = ['2xx', '3xx', '4xx', '5xx'];

export type ChartRange = '24h' | '7d';
export const CHART_RANGES: Readonly<Record<ChartRange, { hours: number; label: string }>> = {
  '24h': { hours: 24, label: 'Last 24 hours' },
  '7d': { hours: 24 * 7, label: 'Last 7 days' },
};

const WIDTH = 960;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 40, left: 52 } as const;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

export type ClassTotals = Record<StatusClass, number> & { total: number };

export function totalsOf(hours: readonly HourlyCounts[]): ClassTotals {
  const totals: ClassTotals = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, total: 0 };
  for (const hour of hours) {
    for (const statusClass of CHART_CLASSES) {
      totals[statusClass] += hour[statusClass];
      totals.total += hour[statusClass];
    }
  }
  return totals;
}

/** A round step (1, 2 or 5 × 10ⁿ) giving about four grid lines up to `max`. */
function gridStep(max: number): number {
  const rough = Math.max(1, max / 4);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough);
  return step ?? 10 * magnitude;
}

const labelFormats = new Map<string, Intl.DateTimeFormat>();

function labelFormat(kind: 'hour' | 'day' | 'full', timeZone: string): Intl.DateTimeFormat {
  const key = `${kind} ${timeZone}`;
  let format = labelFormats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'hour'
        ? { hour: 'numeric', timeZone }
        : kind === 'day'
          ? { weekday: 'short', day: 'numeric', timeZone }
          : { dateStyle: 'medium', timeStyle: 'short', timeZone };
    format = new Intl.DateTimeFormat('en-US', options);
    labelFormats.set(key, format);
  }
  return format;
}

function localHour(iso: string, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone })
    .formatToParts(new Date(iso))
    .find((part) => part.type === 'hour');
  return Number(hour?.value ?? 0);
}

/** Which bars get an x-axis label: every third hour over a day, each local midnight over a week. */
function isLabelled(iso: string, range: ChartRange, timeZone: string): boolean {
  const hour = localHour(iso, timeZone);
  return range === '24h' ? hour % 3 === 0 : hour === 0;
}

function describe(hour: HourlyCounts, timeZone: string): string {
  const parts = CHART_CLASSES.filter((statusClass) => hour[statusClass] > 0).map(
    (statusClass) => `${hour[statusClass]} × ${statusClass}`,
  );
  return `${labelFormat('full', timeZone).format(new Date(hour.hour))}: ${parts.length > 0 ? parts.join(', ') : 'no requests'}`;
}

/**
 * Requests per hour by status class as stacked bars: server-rendered SVG (no script, no inline style — colours come
 * from the stylesheet's status-* classes), with a <title> per bar for pointer users and a summary for screen readers.
 */
export function RequestsChart({
  hours,
  range,
  timeZone,
}: {
  hours: readonly HourlyCounts[];
  range: ChartRange;
  timeZone: string;
}): JSX.Element {
  const totals = totalsOf(hours);
  const busiest = Math.max(0, ...hours.map((hour) => CHART_CLASSES.reduce((sum, c) => sum + hour[c], 0)));
  const step = gridStep(busiest);
  const top = Math.max(step, Math.ceil(busiest / step) * step);
  const ticks = Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
  const slot = PLOT_WIDTH / Math.max(1, hours.length);
  const barWidth = Math.max(1, slot * 0.72);
  const y = (value: number) => MARGIN.top + PLOT_HEIGHT - (value / top) * PLOT_HEIGHT;
  const summary = `${totals.total} requests: ${CHART_CLASSES.map((c) => `${totals[c]} ${c}`).join(', ')}.`;

  return (
    <figure class="chart-figure">
      <svg
        class="chart"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="requests-chart-title requests-chart-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="requests-chart-title" safe>
          {`Requests per hour by status class, ${CHART_RANGES[range].label.toLowerCase()}`}
        </title>
        <desc id="requests-chart-desc" safe>
          {summary}
        </desc>
        <g class="chart-grid">
          {ticks.map((tick) => (
            <>
              <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} />
              <text class="chart-label" x={MARGIN.left - 8} y={y(tick) + 4} text-anchor="end" safe>
                {String(tick)}
              </text>
            </>
          ))}
        </g>
        <g class="chart-bars">
          {hours.map((hour, index) => {
            const x = MARGIN.left + index * slot + (slot - barWidth) / 2;
            let base = 0;
            return (
              <g>
                <title safe>{describe(hour, timeZone)}</title>
                {/* A transparent full-height target, so a bar of one request still shows its tooltip. */}
                <rect class="chart-hit" x={x} y={MARGIN.top} width={barWidth} height={PLOT_HEIGHT} />
                {CHART_CLASSES.map((statusClass) => {
                  const count = hour[statusClass];
                  if (count === 0) return '';
                  const bottom = base;
                  base += count;
                  return (
                    <rect
                      class={`status-${statusClass}`}
                      x={x}
                      y={y(base)}
                      width={barWidth}
                      height={y(bottom) - y(base)}
                    />
                  );
                })}
              </g>
            );
          })}
        </g>
        <g class="chart-axis">
          <line
            x1={MARGIN.left}
            x2={WIDTH - MARGIN.right}
            y1={MARGIN.top + PLOT_HEIGHT}
            y2={MARGIN.top + PLOT_HEIGHT}
          />
          {hours.map((hour, index) =>
            isLabelled(hour.hour, range, timeZone) ? (
              <text
                class="chart-label"
                x={MARGIN.left + index * slot + slot / 2}
                y={MARGIN.top + PLOT_HEIGHT + 16}
                text-anchor="middle"
                safe
              >
                {labelFormat(range === '24h' ? 'hour' : 'day', timeZone).format(new Date(hour.hour))}
              </text>
            ) : (
              ''
            ),
          )}
          <text
            class="chart-label chart-axis-title"
            x={MARGIN.left + PLOT_WIDTH / 2}
            y={HEIGHT - 4}
            text-anchor="middle"
            safe
          >
            {`Hour (${timeZone})`}
          </text>
          <text
            class="chart-label chart-axis-title"
            x={14}
            y={MARGIN.top + PLOT_HEIGHT / 2}
            text-anchor="middle"
            transform={`rotate(-90 14 ${MARGIN.top + PLOT_HEIGHT / 2})`}
          >
            Requests
          </text>
        </g>
      </svg>
      <figcaption class="legend">
        {CHART_CLASSES.map((statusClass) => (
          <span>
            <span class={`swatch status-${statusClass}`} aria-hidden="true"></span>
            <span safe>{`${statusClass} · ${totals[statusClass]}`}</span>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
