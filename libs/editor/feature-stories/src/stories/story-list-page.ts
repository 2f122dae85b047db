import { ChangeDetectionStrategy, Component } from '@angular/core';
import { injectTrpc } from '@storyline/editor/data-access';
import { ItemList, type ItemListText, type ItemRow } from '../items/item-list';
import { StoryImport } from './story-import';

const TEXT: ItemListText = {
  heading: 'My stories',
  newLabel: 'New story',
  field: 'title',
  maxLength: 200,
  createLabel: 'Create story',
  empty: 'No stories yet. Give your first one a title above.',
  testIds: { newName: 'new-story-title', create: 'create-story', formError: 'form-error', list: 'story-list', item: 'story-item' },
};

/** The user's own stories, newest first, a form to start a new one, and a ZIP import. */
@Component({
  selector: 'sl-story-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItemList, StoryImport],
  template: `
    <sl-item-list #list [text]="text" path="/stories" [load]="load" [create]="create" [deleteItem]="deleteItem" [restoreItem]="restoreItem">
      <sl-story-import (imported)="list.reload()" />
    </sl-item-list>
  `,
})
export class StoryListPage {
  private readonly trpc = injectTrpc();
  protected readonly text = TEXT;

  protected readonly load = async (): Promise<ItemRow[]> =>
    (await this.trpc.stories.list.query()).map((story) => ({
      id: story.id,
      name: story.title,
      meta: story.publishedVersion === null ? 'not published' : `version ${story.publishedVersion}`,
      updatedAt: story.updatedAt,
    }));

  protected readonly create = (title: string) => this.trpc.stories.create.mutate({ title });
  protected readonly deleteItem = (storyId: string) => this.trpc.stories.delete.mutate({ storyId });
  protected readonly restoreItem = (storyId: string) => this.trpc.stories.restore.mutate({ storyId });
}
