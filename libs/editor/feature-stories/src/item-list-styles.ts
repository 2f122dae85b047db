/** The look of a list page (epics, regions, heroes): a create row above a bordered list of items. */
export const ITEM_LIST_STYLES = `
  h1 { margin: 0 0 1rem; }
  .create { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0.75rem; margin-bottom: 1.5rem; }
  .create__name { flex: 1; min-width: 14rem; }
  .create__error { flex-basis: 100%; margin: 0; }
  .items { list-style: none; margin: 0; padding: 0; border: 1px solid var(--sl-border); border-radius: 8px; background: var(--sl-surface); }
  .item { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0.5rem; padding: 0.85rem 1rem; }
  .item + .item { border-top: 1px solid var(--sl-border); }
  .item__name { font-weight: 600; }
  .item__meta { color: var(--sl-muted); font-size: 0.9rem; }
  .items__empty { padding: 1rem; color: var(--sl-muted); }
`;
