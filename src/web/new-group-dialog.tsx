import { useEffect, useRef, useState } from 'preact/hooks';
import { compareUsernames } from '../protocol/credentials.js';
import { LIMITS } from '../protocol/limits.js';
import { Avatar } from './avatar.js';

interface NewGroupDialogProps {
  open: boolean;
  /** Everyone the user shares a room with, and whoever is online. */
  candidates: string[];
  online: string[];
  onCreate: (participants: string[], name?: string) => Promise<string | null>;
  onClose: () => void;
}

/** A modal to pick participants (and an optional name) for a new private group. */
export function NewGroupDialog({
  open,
  candidates,
  online,
  onCreate,
  onClose,
}: NewGroupDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setChosen([]);
      setName('');
      setFilter('');
      setError('');
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open]);

  const onlineSet = new Set(online.map((u) => u.toLowerCase()));
  const shown = candidates
    .filter((u) => u.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort(compareUsernames);

  const toggle = (user: string, on: boolean) =>
    setChosen((list) => (on ? [...list, user] : list.filter((u) => u !== user)));

  return (
    <dialog ref={ref} class="dialog" aria-labelledby="new-group-title" onClose={onClose}>
      <form
        method="dialog"
        onSubmit={async (e) => {
          e.preventDefault();
          if (chosen.length === 0 || busy) return;
          setBusy(true);
          const failure = await onCreate(chosen, name.trim() || undefined);
          setBusy(false);
          if (failure) setError(failure);
          else onClose();
        }}
      >
        <h2 id="new-group-title">New group</h2>
        <label class="field">
          <span>Group name (optional)</span>
          <input
            name="group-name"
            maxLength={LIMITS.roomNameMax}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </label>
        <fieldset class="participants">
          <legend>Participants ({chosen.length} chosen)</legend>
          <input
            type="search"
            class="filter"
            placeholder="Find people"
            aria-label="Find people"
            value={filter}
            onInput={(e) => setFilter(e.currentTarget.value)}
          />
          {shown.length === 0 ? (
            <p class="section-empty">No one to add yet.</p>
          ) : (
            <ul class="choices">
              {shown.map((user) => (
                <li key={user}>
                  <label class="choice">
                    <input
                      type="checkbox"
                      name="participant"
                      value={user}
                      checked={chosen.includes(user)}
                      onChange={(e) => toggle(user, e.currentTarget.checked)}
                    />
                    <Avatar name={user} size={24} />
                    <span class="person-name">{user}</span>
                    {onlineSet.has(user.toLowerCase()) && <span class="online-tag">online</span>}
                  </label>
                </li>
              ))}
            </ul>
          )}
        </fieldset>
        <p class="form-error" role="alert">
          {error}
        </p>
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={chosen.length === 0 || busy}>
            Create group
          </button>
        </div>
      </form>
    </dialog>
  );
}
