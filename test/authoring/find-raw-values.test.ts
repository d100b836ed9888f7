import { findRawValues } from '../../src/authoring/find-raw-values.js';

const find = (text: string) => findRawValues({ kind: 'setup', file: 'x/setup.Dockerfile.hbs', text }).map((r) => `${r.line}:${r.column} ${r.option} in ${r.context}`);

test('raw values on RUN lines, continuation lines and in RUN heredoc bodies are found', () => {
  const text = [
    'RUN echo {{options.a}} \\',
    '{{#if options.flag}}',
    '    && echo {{options.b}} \\',
    '{{/if}}',
    '    && true',
    'RUN <<EOF',
    'echo {{{options.c}}}',
    'EOF',
  ].join('\n');
  expect(find(text)).toEqual(['1:10 a in a RUN line', '3:13 b in a RUN line', '7:6 c in the body of a RUN heredoc']);
});

test('quoted values, comments, helpers and other instructions are not shell text', () => {
  const text = ['# {{options.a}}', 'RUN echo {{quote options.a}} "<<EOF"', 'COPY {{options.b}} /dst', '{{!-- RUN echo {{options.c}} --}}', 'RUN ["echo", "{{options.d}}"]', 'LABEL x={{options.e}}'].join('\n');
  expect(find(text)).toEqual([]);
});
