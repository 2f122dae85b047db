import { afterNextRender, ChangeDetectionStrategy, Component, DestroyRef, effect, ElementRef, inject, input, viewChild } from '@angular/core';
import { Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);

/** One line of a {@link LineChart}: its label, and its points (`x` a time in ms; a null `y` leaves a gap). */
export interface ChartLine {
  label: string;
  points: Array<{ x: number; y: number | null }>;
}

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

const clock = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * A line chart over time, drawn by Chart.js on a canvas. Created in the browser only,
 * updated in place as `lines` change (no animation: the data is live), destroyed with the component.
 */
@Component({
  selector: 'sl-line-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<div class="chart"><canvas #canvas [attr.aria-label]="label()" role="img"></canvas></div>`,
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
            x: { type: 'linear', ticks: { callback: (value) => clock(Number(value)), maxTicksLimit: 6 } },
            y: { type: 'linear', beginAtZero: true, ticks: { callback: (value) => `${value}${this.unit()}` } },
          },
          plugins: { tooltip: { callbacks: { title: (items) => (items[0] ? clock(items[0].parsed.x ?? 0) : '') } } },
        },
      });
    });
    effect(() => {
      const datasets = this.datasets();
      if (!this.chart) return;
      this.chart.data.datasets = datasets;
      this.chart.update('none');
    });
    inject(DestroyRef).onDestroy(() => {
      this.chart?.destroy();
      this.chart = null;
    });
  }

  private datasets(): Array<ChartDataset<'line', Array<{ x: number; y: number | null }>>> {
    return this.lines().map((line, index) => ({
      label: line.label,
      data: line.points,
      borderColor: COLOURS[index % COLOURS.length],
      backgroundColor: COLOURS[index % COLOURS.length],
      pointRadius: 0,
      borderWidth: 2,
    }));
  }
}
