/**
 * How BuildKit splits Dockerfile text into instructions, as a table: each case is a
 * Dockerfile and what BuildKit's parser makes of it (from moby/buildkit
 * frontend/dockerfile/parser: parser_test.go, parser_heredoc_test.go and testfiles/),
 * one instruction per entry as `first-last logical line [heredoc names]`, or the error.
 * The unit test reads each with readDockerfile; the engine test (test/e2e) builds the
 * cases marked `engine` on Docker 26 and compares the steps BuildKit runs.
 * `FROM img` stands for the engine tests' base image.
 */
export interface ReaderCase {
  readonly name: string;
  readonly text: string;
  /** `start-end logical line`, with ` [A,B]` for the heredocs it opens; or `error N: message`. */
  readonly expected: readonly string[] | string;
  /** A valid Dockerfile whose RUN and COPY lines are safe to run on the engine. */
  readonly engine?: boolean;
}

export const READER_CASES: readonly ReaderCase[] = [
  {
    name: 'a quoted <<EOF is text, not a heredoc: the lines after it stay instructions',
    text: 'FROM img\nRUN echo "<<EOF"\nRUN echo after\nEOF\n',
    expected: ['1-1 FROM img', '2-2 RUN echo "<<EOF"', '3-3 RUN echo after', '4-4 EOF'],
  },
  {
    name: 'single-quoted, double-quoted and glued words are not heredocs either',
    text: "FROM img\nRUN echo '<<EOF' \"<<EOF\" x<<EOF\nRUN echo after\n",
    expected: ['1-1 FROM img', "2-2 RUN echo '<<EOF' \"<<EOF\" x<<EOF", '3-3 RUN echo after'],
    engine: true,
  },
  {
    name: 'an unquoted heredoc swallows the lines up to its word',
    text: 'FROM img\nRUN cat <<EOF\nRUN echo inside\nEOF\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-4 RUN cat <<EOF [EOF]', '5-5 RUN echo after'],
    engine: true,
  },
  {
    name: 'quoted and dashed heredoc words',
    text: "FROM img\nRUN cat <<'A'\na\nA\nRUN cat <<\"B\"\nb\nB\nRUN cat <<-C\n\tc\n\t\tC\n",
    expected: ['1-1 FROM img', "2-4 RUN cat <<'A' [A]", '5-7 RUN cat <<"B" [B]', '8-10 RUN cat <<-C [C]'],
    engine: true,
  },
  {
    // Dockerfile frontend 1.16 and later; older ones (Docker 26's built-in) read `<<` and
    // `D` as two words and no heredoc, which is why templates may not write it.
    name: 'blanks after << belong to the heredoc word',
    text: 'FROM img\nRUN cat <<  D\nd\nD\n',
    expected: ['1-1 FROM img', '2-4 RUN cat <<  D [D]'],
  },
  {
    name: '<<- followed by a blank is not a heredoc (the word is only <<-)',
    text: 'FROM img\nRUN echo <<- EOF\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-2 RUN echo <<- EOF', '3-3 RUN echo after'],
    engine: true,
  },
  {
    name: 'several heredocs in one instruction, bodies one after another',
    text: 'FROM img\nCOPY <<X <<Y /dest/\nY\nX\nX\nY\nRUN cat /dest/X /dest/Y\n',
    expected: ['1-1 FROM img', '2-6 COPY <<X <<Y /dest/ [X,Y]', '7-7 RUN cat /dest/X /dest/Y'],
    engine: true,
  },
  {
    name: 'heredoc words as BuildKit reads them: partly quoted, escaped, with a file descriptor, with $',
    text: "RUN <<eo'f'\necho foo\neof\nRUN <<eo\\'f\necho foo\neo'f\nRUN 3<<EMPTY\nEMPTY\nRUN <<$EOF\n$EOF\nRUN <<'one two'\none two\n",
    expected: ["1-3 RUN <<eo'f' [eof]", "4-6 RUN <<eo\\'f [eo'f]", '7-8 RUN 3<<EMPTY [EMPTY]', '9-10 RUN <<$EOF [$EOF]', "11-12 RUN <<'one two' [one two]"],
  },
  {
    name: 'only RUN, COPY and ADD in shell form open heredocs (ONBUILD RUN too)',
    text: 'FROM img\nUSER <<INVALID\nINVALID\nRUN ["<<EOF"]\nONBUILD RUN <<A\nA\n',
    expected: ['1-1 FROM img', '2-2 USER <<INVALID', '3-3 INVALID', '4-4 RUN ["<<EOF"]', '5-6 ONBUILD RUN <<A [A]'],
  },
  {
    name: 'a line whose words cannot be read (an unclosed quote) opens no heredoc',
    text: 'FROM img\nRUN echo "it\'s <<EOF\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-2 RUN echo "it\'s <<EOF', '3-3 RUN echo after'],
  },
  {
    name: 'shell arithmetic is not a heredoc',
    text: 'FROM img\nRUN echo $((1<<2))\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-2 RUN echo $((1<<2))', '3-3 RUN echo after'],
    engine: true,
  },
  {
    name: 'comment and empty lines inside a continuation are skipped; the instruction goes on',
    text: 'FROM img\nRUN echo hello \\\n# a comment\n\n   # an indented comment\n  && echo world\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-6 RUN echo hello   && echo world', '7-7 RUN echo after'],
    engine: true,
  },
  {
    name: 'a value ending in a backslash continues into the next instruction',
    text: 'FROM img\nRUN echo done \\\n\nRUN echo swallowed\n',
    expected: ['1-1 FROM img', '2-4 RUN echo done RUN echo swallowed'],
    engine: true,
  },
  {
    name: 'spaces and tabs after the backslash still continue the line',
    text: 'FROM img\nRUN echo a \\ \t\n  b\nRUN echo after\n',
    expected: ['1-1 FROM img', '2-3 RUN echo a   b', '4-4 RUN echo after'],
    engine: true,
  },
  {
    name: 'two backslashes at the end do not continue the line (trailing-backslash)',
    text: 'FROM img\nENV C trailing\\\\backslash\\\\\nENV D This should not be appended to C\nENV E hello\\\n\\\nworld\n',
    expected: ['1-1 FROM img', '2-2 ENV C trailing\\\\backslash\\\\', '3-3 ENV D This should not be appended to C', '4-6 ENV E helloworld'],
  },
  {
    name: 'a continuation at the end of the file ends the instruction (continue-at-eof)',
    text: 'FROM alpine:3.5\n\nRUN something \\',
    expected: ['1-1 FROM alpine:3.5', '3-3 RUN something '],
  },
  {
    name: 'continuation lines keep their indentation (continueIndent)',
    text: 'RUN echo hello\\\n  world\\\n  goodnight  \\\n  moon\\\n  light\\\nning\nRUN echo hello \\\n# this is a comment\n\n# this is a comment with a blank line surrounding it\n\nthis is some more useful stuff\n',
    expected: ['1-6 RUN echo hello  world  goodnight    moon  lightning', '7-12 RUN echo hello this is some more useful stuff'],
  },
  {
    name: 'the escape directive changes the continuation character',
    text: '# escape=`\nFROM img\nRUN echo a `\n  b\\\nRUN echo c\n',
    expected: ['2-2 FROM img', '3-4 RUN echo a   b\\', '5-5 RUN echo c'],
    engine: true,
  },
  {
    name: 'a directive after a comment is only a comment (escape-after-comment)',
    text: '# Comment here.\n# escape = `\n\nFROM image\nENV GOPATH \\\n\\go',
    expected: ['4-4 FROM image', '5-6 ENV GOPATH \\go'],
  },
  {
    name: 'directives may be written without the space and followed directly by instructions (escape-nonewline)',
    text: '#escape = `\nFROM image\nENV GOPATH `\n\\go\n',
    expected: ['2-2 FROM image', '3-4 ENV GOPATH \\go'],
  },
  {
    name: 'flags are read before the arguments',
    text: 'FROM img\nRUN --network=host \\\n    --mount=type=cache,target=/tmp/c echo hi\n',
    expected: ['1-1 FROM img', '2-3 RUN --network=host     --mount=type=cache,target=/tmp/c echo hi'],
    engine: true,
  },
  {
    name: 'a heredoc with Windows line endings ends at its word',
    text: 'FROM img\r\nRUN cat <<EOF\r\nx\r\nEOF\r\nRUN echo after\r\n',
    expected: ['1-1 FROM img', '2-4 RUN cat <<EOF [EOF]', '5-5 RUN echo after'],
  },
  {
    name: 'line numbers count every line, comments and empty ones included (testfile-line: 5, 11-12, 17-31)',
    text: [
      '# ESCAPE=\\', '', '', '', 'FROM brimstone/ubuntu:14.04', '', '', '# TORUN -v /var/run/docker.sock:/var/run/docker.sock', '', '',
      'ENV GOPATH \\', '/go', '', '', '', '# Install the packages we need, clean up after them and us',
      'RUN apt-get update \\', "\t&& dpkg -l | awk '/^ii/ {print $2}' > /tmp/dpkg.clean \\", '', '',
      '    && apt-get --no-install-recommends install -y git golang ca-certificates \\', '    && apt-get clean \\', '    && rm -rf /var/lib/apt/lists \\', '',
      '\t&& go get -v github.com/brimstone/consuldock \\', '    && mv $GOPATH/bin/consuldock /usr/local/bin/consuldock \\', '',
      "\t&& dpkg -l | awk '/^ii/ {print $2}' > /tmp/dpkg.dirty \\", "\t&& apt-get remove --purge -y $(diff /tmp/dpkg.clean /tmp/dpkg.dirty | awk '/^>/ {print $2}') \\",
      '\t&& rm /tmp/dpkg.* \\', '\t&& rm -rf $GOPATH', '', '', '',
    ].join('\n'),
    expected: [
      '5-5 FROM brimstone/ubuntu:14.04',
      '11-12 ENV GOPATH /go',
      "17-31 RUN apt-get update \t&& dpkg -l | awk '/^ii/ {print $2}' > /tmp/dpkg.clean     && apt-get --no-install-recommends install -y git golang ca-certificates     && apt-get clean     && rm -rf /var/lib/apt/lists \t&& go get -v github.com/brimstone/consuldock     && mv $GOPATH/bin/consuldock /usr/local/bin/consuldock \t&& dpkg -l | awk '/^ii/ {print $2}' > /tmp/dpkg.dirty \t&& apt-get remove --purge -y $(diff /tmp/dpkg.clean /tmp/dpkg.dirty | awk '/^>/ {print $2}') \t&& rm /tmp/dpkg.* \t&& rm -rf $GOPATH",
    ],
  },
  { name: 'an unterminated heredoc is an error at its instruction', text: 'FROM img\nRUN cat <<EOF\nx\n', expected: "error 2: unterminated heredoc: no line 'EOF' ends the heredoc <<EOF opened here" },
  { name: 'an unclosed quote in a heredoc word makes the line unreadable: no heredoc', text: 'RUN cat <<"EOF\nEOF\n', expected: ['1-1 RUN cat <<"EOF', '2-2 EOF'] },
  { name: 'a repeated directive is an error', text: '# escape=`\n# escape=\\\nFROM img\n', expected: 'error 2: only one escape parser directive can be used' },
  { name: 'an escape other than ` or \\ is an error', text: '# escape=x\nFROM img\n', expected: "error 1: invalid escape token 'x' does not match ` or \\" },
  { name: 'an exec form with something other than strings is an error', text: 'FROM img\nCMD ["a", 1]\n', expected: 'error 2: CMD arguments must be a JSON array of strings' },
  { name: 'a line longer than 65535 bytes is an error', text: `FROM img\nLABEL a=${'a'.repeat(65535)}\n`, expected: 'error 2: Dockerfile line longer than 65535 bytes (65543)' },
];
