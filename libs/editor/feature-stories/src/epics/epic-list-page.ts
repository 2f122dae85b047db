import { ChangeDetectionStrategy, Component } from '@angular/core';
import { injectTrpc } from '@storyline/editor/data-access';
import { ItemList, type ItemListText, type ItemRow } from '../items/item-list';

const TEXT: ItemListText = {
  heading: 'My epics',
  newLabel: 'New epic',
  field: 'name',
  maxLength: 120,
  createLabel: 'Create epic',
  empty: 'None yet. Name your first epic above.',
  testIds: { newName: 'epic-new-name', create: 'epic-create', formError: 'epic-form-error', list: 'epic-list', item: 'epic-list-item' },
};

/** The user's own epics, newest first, and a form to start one. */
@Component({
  selector: 'sl-epic-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItemList],
  template: `<sl-item-list [text]="text" path="/epics" [load]="load" [create]="create" [deleteItem]="deleteItem" [restoreItem]="restoreItem" />`,
})
export class EpicListPage {
  private readonly trpc = injectTrpc();
  protected readonly text = TEXT;

  protected readonly load = async (): Promise<ItemRow[]> =>
    (await this.trpc.epics.list.query()).map((epic) => ({
      id: epic.id,
      name: epic.name,
      meta: [
        `${epic.itemCount} ${epic.itemCount === 1 ? 'item' : 'items'}`,
        epic.publishedVersion === null ? 'not published' : `published version ${epic.publishedVersion}`,
      ].join(' · '),
      updatedAt: epic.updatedAt,
    }));

  protected readonly create = (name: string) => this.trpc.epics.create.mutate({ name });
  protected readonly deleteItem = (id: string) => this.trpc.epics.delete.mutate({ id });
  protected readonly restoreItem = (id: string) => this.trpc.epics.restore.mutate({ id });
}
