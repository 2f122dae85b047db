import { afterNextRender, ChangeDetectionStrategy, Component, computed, DestroyRef, effect, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type Scale } from 'chart.js';
import { timeTickLabel, timeTicks } from './time-ticks';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

/** One line of a {@link LineChart}: its label, and its points (`x` a time in ms; a null `y` leaves a gap). */
export interface ChartLine {
  label: string;
  points: Array<{ x: number; y: number | null }>;
}

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** The shortest stretch of time the axis shows, so a single sample still sits on a readable axis. */
const MIN_SPAN_MS = 10_000;
const TOOLTIP_STEP_MS = 1_000;

/** The time axis's range: from the oldest point to the newest, at least {@link MIN_SPAN_MS} wide; null with no points. */
function timeRange(lines: readonly ChartLine[]): { min: number; max: number } | null {
  const times = lines.flatMap((line) => line.points.map((point) => point.x));
  if (times.length === 0) return null;
  const max = Math.max(...times);
  return { min: Math.min(max - MIN_SPAN_MS, ...times), max };
}

/**
 * A line chart over time, drawn by Chart.js on a canvas. Created in the browser only,
 * updated in place as `lines` change (no animation: the data is live), destroyed with the component.
 * The time axis spans the data and is ticked at round times in order (every 10 s, every
 * 2 min, …), labelled in 24-hour local time; the labels drawn are also on the canvas's
 * `data-x-ticks`, for tests and tools that cannot read a canvas.
 */
@Component({
  selector: 'sl-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="chart"><canvas #canvas [attr.aria-label]="label()" role="img" [attr.data-x-ticks]="xTicks().join('|')"></canvas></div>`,
  styles: `
    .chart { position: relative; height: 12rem; }
  `,
})
export class LineChart {
  readonly lines = input.required<ChartLine[]>();
  /** What the chart shows, for screen readers. */
  readonly label = input.required<string>();
  readonly unit = input('');

  private readonly canvas = viewChild.required<ElementRef<HTMLCanvasElement>>('canvas');
  private chart: Chart<'line', Array<{ x: number; y: number | null }>> | null = null;
  private readonly range = computed(() => timeRange(this.lines()));
  /** The step between the time axis's ticks, as last laid out. */
  private stepMs = MIN_SPAN_MS;
  /** The time axis's labels as last drawn. */
  protected readonly xTicks = signal<readonly string[]>([]);

  constructor() {
    afterNextRender(() => {
      this.chart = new Chart<'line', Array<{ x: number; y: number | null }>>(this.canvas().nativeElement, {
        type: 'line',
        data: { datasets: this.datasets() },
        options: {
          animation: false,
          maintainAspectRatio: false,
          parsing: false,
          scales: {
            x: {
              type: 'linear',
              ...this.range(),
              afterBuildTicks: (scale) => this.placeTimeTicks(scale),
              ticks: { autoSkip: false, maxRotation: 0, callback: (value) => timeTickLabel(Number(value), this.stepMs) },
            },
            y: { type: 'linear', beginAtZero: true, ticks: { callback: (value) => `${value}${this.unit()}` } },
          },
          plugins: { tooltip: { callbacks: { title: (items) => (items[0] ? timeTickLabel(items[0].parsed.x ?? 0, TOOLTIP_STEP_MS) : '') } } },
        },
      });
      this.showTicks();
    });
    effect(() => {
      const datasets = this.datasets();
      const range = this.range();
      const chart = this.chart;
      if (!chart) return;
      chart.data.datasets = datasets;
      Object.assign(chart.options.scales?.['x'] ?? {}, { min: range?.min, max: range?.max });
      chart.update('none');
      this.showTicks();
    });
    inject(DestroyRef).onDestroy(() => {
      this.chart?.destroy();
      this.chart = null;
    });
  }

  /** Ticks at round times within the range, in order; none without data (Chart.js would label 0 ms, midnight 1970). */
  private placeTimeTicks(scale: Scale): void {
    const range = this.range();
    const { values, stepMs } = range ? timeTicks(range.min, range.max) : { values: [], stepMs: MIN_SPAN_MS };
    this.stepMs = stepMs;
    scale.ticks = values.map((value) => ({ value }));
  }

  private showTicks(): void {
    const ticks = this.chart?.scales['x']?.ticks ?? [];
    this.xTicks.set(ticks.map((tick) => timeTickLabel(tick.value, this.stepMs)));
  }

  private datasets(): Array<ChartDataset<'line', Array<{ x: number; y: number | null }>>> {
    return this.lines().map((line, index) => ({
      label: line.label,
      // In time order, whatever order the samples arrived in, so the line never runs backwards.
      data: [...line.points].sort((a, b) => a.x - b.x),
      borderColor: COLOURS[index % COLOURS.length],
      backgroundColor: COLOURS[index % COLOURS.length],
      pointRadius: 0,
      borderWidth: 2,
    }));
  }
}
