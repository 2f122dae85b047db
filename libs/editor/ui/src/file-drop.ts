import { booleanAttribute, Directive, input, output, signal } from '@angular/core';

/**
 * Makes its element a drop target for files: while files are dragged over it, it
 * carries the class `file-drop--over` (style it in the host component); dropping
 * emits them. Drags of anything but files (text, links) are left to the browser.
 */
@Directive({
  selector: '[slFileDrop]',
  host: {
    '[class.file-drop--over]': 'over()',
    '(dragenter)': 'enter($event)',
    '(dragover)': 'hover($event)',
    '(dragleave)': 'leave()',
    '(drop)': 'drop($event)',
  },
})
export class FileDrop {
  /** Refuse drops for now (say, while the previous file is still on its way). */
  readonly slFileDropDisabled = input(false, { transform: booleanAttribute });
  /** The files dropped, in the order the browser lists them. */
  readonly filesDropped = output<File[]>();

  protected readonly over = signal(false);
  /** dragenter and dragleave fire for every child crossed; the element is left when they balance. */
  private depth = 0;

  protected enter(event: DragEvent): void {
    if (!this.accepts(event)) return;
    event.preventDefault();
    this.depth += 1;
    this.over.set(true);
  }

  protected hover(event: DragEvent): void {
    if (!this.accepts(event)) return;
    // Without this the browser would open the file instead of letting it drop here.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  }

  protected leave(): void {
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.over.set(false);
  }

  protected drop(event: DragEvent): void {
    if (!this.accepts(event)) return;
    event.preventDefault();
    this.depth = 0;
    this.over.set(false);
    const files = Array.from(event.dataTransfer?.files ?? []);
    if (files.length > 0) this.filesDropped.emit(files);
  }

  private accepts(event: DragEvent): boolean {
    return !this.slFileDropDisabled() && Array.from(event.dataTransfer?.types ?? []).includes('Files');
  }
}
