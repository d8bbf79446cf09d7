import { Box, Text } from 'ink';
import { useContext, useRef, useState } from 'react';
import { type ChatClient, HttpApi } from '../client/index.js';
import { errorText, isUnreachable, loginAndConnect, unreachableLines } from './chat-login.js';
import { EditLine } from './input-line.js';
import { applyKey, editorText, emptyEditor, type LineEditor } from './line-editor.js';
import { ColorsContext } from './styled-text.js';
import { useKeys } from './use-keys.js';

export type AuthMode = 'register' | 'login';

export interface AuthFormProps {
  mode: AuthMode;
  serverUrl: string;
  columns: number;
  onRegistered: (username: string) => void;
  onLoggedIn: (client: ChatClient) => void;
  onBack: () => void;
  onQuit: () => void;
}

type Step = 'username' | 'password' | 'busy';

interface FormState {
  step: Step;
  username: LineEditor;
  password: LineEditor;
}

const fresh = (): FormState => ({
  step: 'username',
  username: emptyEditor(),
  password: emptyEditor(),
});

/** Rows above the first field (title, hint, blank). */
const HEADER_ROWS = 3;

/**
 * Registration and login: username, then password (hidden). The server's answer is shown as
 * it is ("Username already exists") and the form starts over so the user can try again; Esc
 * goes back to the menu. Keys are routed synchronously, so a fast typist (or a paste) whose
 * Enter and password arrive together still fills the right field.
 */
export function AuthForm(props: AuthFormProps) {
  const { mode, serverUrl, columns } = props;
  const colors = useContext(ColorsContext);
  const form = useRef<FormState>(fresh());
  const [, redraw] = useState(0);
  const [errors, setErrors] = useState<string[]>([]);
  const latest = useRef(props);
  latest.current = props;

  const submit = async (username: string, password: string) => {
    const p = latest.current;
    try {
      if (mode === 'register') {
        await new HttpApi(serverUrl).register(username, password);
        p.onRegistered(username);
      } else {
        p.onLoggedIn(await loginAndConnect({ serverUrl, username, password }));
      }
    } catch (error) {
      setErrors(isUnreachable(error) ? unreachableLines(serverUrl) : [errorText(error)]);
      form.current = fresh();
      redraw((n) => n + 1);
    }
  };

  useKeys((key) => {
    const state = form.current;
    if (key.kind === 'ctrl' && key.letter === 'c') return latest.current.onQuit();
    if (key.kind === 'key' && key.name === 'escape') return latest.current.onBack();
    if (state.step === 'busy') return;
    const field = state.step;
    const result = applyKey(state[field], key);
    if (!result.handled) return;
    form.current = { ...state, [field]: result.editor };
    if (result.submitted !== undefined) {
      // Keep what was typed on screen (the editor resets on Enter).
      const typed = { ...state[field], chars: [...result.submitted], cursor: 0 };
      if (field === 'username') {
        form.current = { ...form.current, username: typed, step: 'password' };
        setErrors([]);
      } else {
        form.current = { ...form.current, password: typed, step: 'busy' };
        void submit(editorText(state.username).trim(), result.submitted);
      }
    }
    redraw((n) => n + 1);
  });

  const { step, username, password } = form.current;
  const title =
    mode === 'register' ? `Register a new account on ${serverUrl}` : `Log in to ${serverUrl}`;
  const busyText = mode === 'register' ? 'Creating the account...' : 'Logging in...';
  const width = Math.max(10, columns - 1);
  return (
    <Box flexDirection="column" paddingLeft={1}>
      <Text bold={colors}>{title}</Text>
      <Text>(Esc: back to the menu)</Text>
      <Text> </Text>
      <EditLine
        prompt="Username: "
        editor={username}
        width={width}
        row={HEADER_ROWS}
        left={1}
        focused={step === 'username'}
      />
      {step === 'username' ? null : (
        <EditLine
          prompt="Password: "
          editor={password}
          width={width}
          row={HEADER_ROWS + 1}
          left={1}
          mask="*"
          focused={step === 'password'}
        />
      )}
      {step === 'busy' ? <Text>{busyText}</Text> : null}
      {errors.length > 0 ? <Text> </Text> : null}
      {errors.map((line) => (
        <Text key={line} {...(colors ? { color: 'red' } : {})}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
