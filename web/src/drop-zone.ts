// A place files can be dropped on: highlighted (class `over`) while files are dragged over it.

/**
 * Calls `onFiles` with the files dropped on `zone`, and marks the zone while they hover.
 * @example acceptDrops(q('#drop'), (files) => void load(files));
 */
export function acceptDrops(zone: HTMLElement, onFiles: (files: File[]) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    onFiles(Array.from(e.dataTransfer?.files ?? []));
  });
}
