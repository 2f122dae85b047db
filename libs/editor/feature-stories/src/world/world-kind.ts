import { inject } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import type { JobType, WorldKind } from '@storyline/contracts';

/** How the editor names one kind of world item: in headings, URLs, test ids and its version job. */
export interface WorldKindView {
  kind: WorldKind;
  /** The tRPC router and the URL segment (`/regions`, `/files/regions/…`). */
  area: 'regions' | 'heroes';
  label: string;
  plural: string;
  jobType: JobType;
}

export const WORLD_KIND_VIEWS: Record<WorldKind, WorldKindView> = {
  region: { kind: 'region', area: 'regions', label: 'Region', plural: 'Regions', jobType: 'region-version' },
  hero: { kind: 'hero', area: 'heroes', label: 'Hero', plural: 'Heroes', jobType: 'hero-version' },
};

/** The kind the current route is about, from its `data.kind` (see `worldRoutes`). */
export function injectWorldKind(): WorldKindView {
  const kind = inject(ActivatedRoute).snapshot.data['kind'] as WorldKind | undefined;
  return WORLD_KIND_VIEWS[kind ?? 'region'];
}
