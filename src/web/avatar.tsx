import { userHue } from './format.js';

/** A round initial with a stable colour per person. */
export function Avatar({ name, size = 32 }: { name: string; size?: number }) {
  const initial = [...name][0]?.toUpperCase() ?? '?';
  return (
    <span
      class="avatar"
      aria-hidden="true"
      style={{ '--hue': String(userHue(name)), width: `${size}px`, height: `${size}px` }}
    >
      {initial}
    </span>
  );
}
