import { describe, expect, it } from 'vitest';
import { documentLabels } from './document-labels';

describe('documentLabels', () => {
  it('counts Romanian pages as Romanian does: "de" from twenty on, but not for 101 to 119', () => {
    const { pageCount } = documentLabels('ro');
    expect([1, 2, 19, 20, 100, 101, 119, 120].map(pageCount)).toEqual(['1 pagină', '2 pagini', '19 pagini', '20 de pagini', '100 de pagini', '101 pagini', '119 pagini', '120 de pagini']);
  });

  it('counts English pages with a plural for everything but one', () => {
    const { pageCount } = documentLabels('en');
    expect([1, 2, 20].map(pageCount)).toEqual(['1 page', '2 pages', '20 pages']);
  });
});
