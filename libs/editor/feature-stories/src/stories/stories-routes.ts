import type { Routes } from '@angular/router';
import { StoryEditorPage } from '../story-editor/story-editor-page';
import { StoryListPage } from './story-list-page';

/** The stories feature, mounted under `/stories`; the editor's `id` input comes from the route. */
export const storiesRoutes: Routes = [
  { path: '', component: StoryListPage, title: 'My stories · Storyline' },
  { path: ':id', component: StoryEditorPage, title: 'Story · Storyline' },
];
