import { dropLinkFlags, inlineHeredocs } from '../../src/core/plain-forms.js';

const inline = (text: string) => inlineHeredocs(text, 'demo', 'demo/builder.Dockerfile.hbs');
const decoded = (line: string) => Buffer.from(/printf '%s' '([A-Za-z0-9+/=]*)'/.exec(line)![1]!, 'base64').toString('utf8');

test('a RUN heredoc becomes the same script piped through base64 into sh', () => {
  const script = "set -eu\necho \"it's $HOME\" > /tmp/x\nif true; then echo ünïcode; fi";
  const out = inline(`RUN <<EOF\n${script}\nEOF`);
  expect(out.split('\n')).toHaveLength(1);
  expect(out).toMatch(/^RUN printf '%s' '[A-Za-z0-9+/=]+' \| base64 -d \| sh$/);
  expect(decoded(out)).toBe(`${script}\n`);
});

test('RUN flags stay in front and a command before the heredoc reads it on stdin', () => {
  const out = inline("RUN --mount=type=cache,target=/c \\\n    python3 - <<'PY'\nprint('hi')\nPY");
  expect(out).toMatch(/^RUN --mount=type=cache,target=\/c printf '%s' '[^']+' \| base64 -d \| python3 -$/);
  expect(decoded(out)).toBe("print('hi')\n");
});

test('<<- strips leading tabs, and text around the heredoc is kept as it was', () => {
  const text = ['# before', 'RUN echo a \\', '# a comment inside the instruction', '    && echo $((1<<2))', 'RUN <<-END', '\techo tabbed', '\tEND', 'COPY a /b'].join('\n');
  const lines = inline(text).split('\n');
  expect(lines.slice(0, 4)).toEqual(text.split('\n').slice(0, 4));
  expect(decoded(lines[4]!)).toBe('echo tabbed\n');
  expect(lines[5]).toBe('COPY a /b');
});

test('heredocs without a plain form are refused, naming the extension', () => {
  expect(() => inline('COPY <<EOF /etc/motd\nhello\nEOF')).toThrow(
    "extension 'demo': a COPY heredoc has no plain form for this engine, whose Dockerfile frontend has no heredocs; use a RUN with one heredoc, or build with Docker 23 or newer",
  );
  expect(() => inline('RUN cat <<A <<B\na\nA\nb\nB')).toThrow('a RUN with several heredocs has no plain form');
});

test('--link in a template is dropped for engines that do not parse it; everything else stays', () => {
  const text = ['COPY --link --from=rockts-builder-x /a /b', 'ADD --chown=1:1 --link=true x.tar /opt/', 'RUN echo --link', 'COPY --linked-not /a /b'].join('\n');
  expect(dropLinkFlags(text)).toBe(['COPY --from=rockts-builder-x /a /b', 'ADD --chown=1:1 x.tar /opt/', 'RUN echo --link', 'COPY --linked-not /a /b'].join('\n'));
});

test('a quoted "<<EOF" is text, as BuildKit reads it: nothing is inlined and the lines after it stay', () => {
  const text = ['RUN echo "<<EOF" \'<<EOF\'', 'RUN echo after', 'EOF'].join('\n');
  expect(inline(text)).toBe(text);
});

test('a heredoc word BuildKit reads (quoted, spaced, partly quoted) is inlined; its body is the script', () => {
  for (const marker of ['<<"EOF"', '<<  EOF', "<<E'O'F"]) {
    const out = inline(`RUN sh ${marker}\necho hi\nEOF\nRUN echo after`);
    expect(out.split('\n')[1]).toBe('RUN echo after');
    expect(out.split('\n')[0]).toMatch(/\| base64 -d \| sh$/);
    expect(decoded(out.split('\n')[0]!)).toBe('echo hi\n');
  }
});

test('--link is dropped only from the flags, across continuation lines, never from an argument or a heredoc body', () => {
  const text = ['COPY --from=x \\', '    --link /a /b', 'COPY <<EOF /etc/x', '--link stays', 'EOF', 'ADD --link=false src/--link /dst'].join('\n');
  expect(dropLinkFlags(text)).toBe(['COPY --from=x \\', ' /a /b', 'COPY <<EOF /etc/x', '--link stays', 'EOF', 'ADD src/--link /dst'].join('\n'));
});
