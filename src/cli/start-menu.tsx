import { Box, Text } from 'ink';
import { useContext } from 'react';
import { ColorsContext } from './styled-text.js';
import { useKeys } from './use-keys.js';

export type MenuChoice = 'register' | 'login' | 'exit';

export interface StartMenuProps {
  serverUrl: string;
  version: string;
  /** A line shown under the menu (e.g. "Account created"). */
  notice?: { text: string; tone: 'info' | 'error' };
  onChoose: (choice: MenuChoice) => void;
}

const CHOICES: Record<string, MenuChoice> = { '1': 'register', '2': 'login', '3': 'exit' };

/** The start menu: 1 Register, 2 Login, 3 Exit (one key press, no Enter needed). */
export function StartMenu({ serverUrl, version, notice, onChoose }: StartMenuProps) {
  const colors = useContext(ColorsContext);
  useKeys((key) => {
    if (key.kind === 'text') {
      const choice = CHOICES[key.text.trim().charAt(0)];
      if (choice) onChoose(choice);
      else if (key.text.trim().toLowerCase() === 'q') onChoose('exit');
    } else if (key.kind === 'ctrl' && (key.letter === 'c' || key.letter === 'd')) {
      onChoose('exit');
    }
  });
  const noticeColor = notice?.tone === 'error' ? 'red' : 'green';
  return (
    <Box flexDirection="column" paddingLeft={1}>
      <Text bold={colors}>Chatroom {version} - terminal client</Text>
      <Text>Server: {serverUrl}</Text>
      <Text> </Text>
      <Text> 1) Register</Text>
      <Text> 2) Login</Text>
      <Text> 3) Exit</Text>
      <Text> </Text>
      <Text>Choose 1, 2 or 3:</Text>
      {notice ? (
        <>
          <Text> </Text>
          <Text {...(colors ? { color: noticeColor } : {})}>{notice.text}</Text>
        </>
      ) : null}
    </Box>
  );
}
