import { describe, expect, it } from 'vitest';
import { ToastBudget } from './toast-budget';

describe('ToastBudget', () => {
  it('shows the first few of a burst, sums up the next and stays quiet about the rest', () => {
    const budget = new ToastBudget(3, 5_000, () => 1_000);
    expect(Array.from({ length: 6 }, () => budget.take())).toEqual(['show', 'show', 'show', 'summarise', 'skip', 'skip']);
  });

  it('starts over once the window has passed', () => {
    let now = 0;
    const budget = new ToastBudget(1, 5_000, () => now);
    expect(budget.take()).toBe('show');
    expect(budget.take()).toBe('summarise');
    now = 5_000;
    expect(budget.take()).toBe('show');
  });
});
