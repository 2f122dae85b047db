import type { Routes } from '@angular/router';
import { StoryEditorPage } from '../story-editor/story-editor-page';
import { unsavedChangesGuard } from '../story-editor/unsaved-changes-guard';
import { StoryListPage } from './story-list-page';

/** The stories feature, mounted under `/stories`; the editor's `id` input comes from the route, and it saves before the router leaves it. */
export const storiesRoutes: Routes = [
  { path: '', component: StoryListPage, title: 'My stories · Storyline' },
  { path: ':id', component: StoryEditorPage, title: 'Story · Storyline', canDeactivate: [unsavedChangesGuard] },
];
