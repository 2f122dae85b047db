import { describe, expect, it } from 'vitest';
import { timeTickLabel, timeTicks } from './time-ticks';

const at = (hhmmss: string) => Date.parse(`2030-01-01T${hhmmss}`);

describe('timeTicks', () => {
  it('puts at most six ticks at round, ordered times within the range', () => {
    const { values, stepMs } = timeTicks(at('10:00:03'), at('10:00:58'));
    expect(stepMs).toBe(10_000);
    expect(values.map((value) => timeTickLabel(value, stepMs))).toEqual(['10:00:10', '10:00:20', '10:00:30', '10:00:40', '10:00:50']);
  });

  it('labels minutes without seconds once the step is a minute or more', () => {
    const { values, stepMs } = timeTicks(at('10:00:00'), at('10:09:00'));
    expect(stepMs).toBe(120_000);
    expect(values.map((value) => timeTickLabel(value, stepMs))).toEqual(['10:00', '10:02', '10:04', '10:06', '10:08']);
  });

  it('has no ticks for an empty range, so an empty chart shows no made-up times', () => {
    expect(timeTicks(0, 0).values).toEqual([]);
    expect(timeTicks(at('10:00:00'), at('09:00:00')).values).toEqual([]);
  });

  it('never gives more ticks than asked, however long the range', () => {
    for (const span of [1_500, 61_000, 3_600_000, 86_400_000 * 3]) {
      const { values } = timeTicks(at('10:00:00'), at('10:00:00') + span, 6);
      expect(values.length).toBeLessThanOrEqual(6);
      expect(values).toEqual([...values].sort((a, b) => a - b));
    }
  });
});
