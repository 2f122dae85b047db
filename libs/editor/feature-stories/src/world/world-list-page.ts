import { ChangeDetectionStrategy, Component } from '@angular/core';
import { injectTrpc } from '@storyline/editor/data-access';
import { ItemList, type ItemListText, type ItemRow } from '../items/item-list';
import { injectWorldKind } from './world-kind';

/** The user's own regions or heroes (the route says which), newest first, and a form to add one. */
@Component({
  selector: 'sl-world-list-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ItemList],
  template: `<sl-item-list [text]="text" [path]="'/' + view.area" [load]="load" [create]="create" [deleteItem]="deleteItem" [restoreItem]="restoreItem" />`,
})
export class WorldListPage {
  private readonly trpc = injectTrpc();
  protected readonly view = injectWorldKind();
  protected readonly text = worldListText(this.view.kind, this.view.label.toLowerCase(), this.view.plural.toLowerCase());

  protected readonly load = async (): Promise<ItemRow[]> =>
    (await this.trpc[this.view.area].list.query()).map((item) => ({
      id: item.id,
      name: item.name,
      meta: item.latestVersion === null ? 'no version yet' : `version ${item.latestVersion}`,
      updatedAt: item.updatedAt,
    }));

  protected readonly create = (name: string) => this.trpc[this.view.area].create.mutate({ name });
  protected readonly deleteItem = (id: string) => this.trpc[this.view.area].delete.mutate({ id });
  protected readonly restoreItem = (id: string) => this.trpc[this.view.area].restore.mutate({ id });
}

function worldListText(kind: string, label: string, plural: string): ItemListText {
  return {
    heading: `My ${plural}`,
    newLabel: `New ${label}`,
    field: 'name',
    maxLength: 120,
    createLabel: `Create ${label}`,
    empty: `None yet. Name your first ${label} above.`,
    testIds: { newName: `${kind}-new-name`, create: `${kind}-create`, formError: `${kind}-form-error`, list: `${kind}-list`, item: `${kind}-item` },
  };
}
