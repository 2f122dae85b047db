import type { Routes } from '@angular/router';
import { EpicEditorPage } from './epic-editor-page';
import { EpicListPage } from './epic-list-page';
import { unsavedChangesGuard } from '../story-editor/unsaved-changes-guard';

/** The epic pages, mounted under `/epics`. */
export const epicsRoutes: Routes = [
  { path: '', component: EpicListPage, title: 'My epics · Storyline' },
  { path: ':id', component: EpicEditorPage, title: 'Epic · Storyline', canDeactivate: [unsavedChangesGuard] },
];
