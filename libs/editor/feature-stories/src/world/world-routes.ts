import type { Routes } from '@angular/router';
import type { WorldKind } from '@storyline/contracts';
import { WorldEditorPage } from './world-editor-page';
import { WORLD_KIND_VIEWS } from './world-kind';
import { WorldListPage } from './world-list-page';
import { unsavedChangesGuard } from '../story-editor/unsaved-changes-guard';

/** The pages of one kind of world item, mounted under `/regions` or `/heroes`; `data.kind` tells them which. */
function worldRoutes(kind: WorldKind): Routes {
  const { label, plural } = WORLD_KIND_VIEWS[kind];
  return [
    { path: '', component: WorldListPage, data: { kind }, title: `My ${plural.toLowerCase()} · Storyline` },
    { path: ':id', component: WorldEditorPage, data: { kind }, title: `${label} · Storyline`, canDeactivate: [unsavedChangesGuard] },
  ];
}

export const regionsRoutes = worldRoutes('region');
export const heroesRoutes = worldRoutes('hero');
