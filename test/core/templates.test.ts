import { RocktsError } from '../../src/core/errors.js';
import { checkTemplate, renderTemplate, type TemplateContext } from '../../src/core/templates.js';
import type { TemplateKind } from '../../src/core/types.js';
import { fakeExtension } from '../helpers/fake-extension.js';

const context: TemplateContext = {
  name: 'demo',
  version: '1.0.0',
  options: { value: "it's <here> & $HOME", flag: true, channel: 'beta' },
  outDir: '/opt/rockts/demo',
  stage: 'rockts-builder-demo',
  builderBaseImage: 'ubuntu:22.04',
  filesDir: 'files/demo',
  image: 'ubuntu:24.04',
  user: { name: 'dev', uid: 1000, gid: 1000, home: '/home/dev' },
};
const render = (text: string, kind: TemplateKind = 'setup') => renderTemplate({ kind, file: `demo/${kind}.Dockerfile.hbs`, text }, context);

test('values are not HTML-escaped, and quote makes one shell word of any value', () => {
  expect(render('RUN echo {{options.value}}')).toBe("RUN echo it's <here> & $HOME");
  expect(render('RUN echo {{quote options.value}}')).toBe(`RUN echo 'it'\\''s <here> & $HOME'`);
});

test('eq compares values for enum branches', () => {
  expect(render('{{#if (eq options.channel "beta")}}RUN echo beta{{else}}RUN echo stable{{/if}}')).toBe('RUN echo beta');
});

test('the output is trimmed of blank edges and trailing spaces', () => {
  expect(render('\n\n{{#if options.flag}}\nRUN true   \n{{/if}}\n\n')).toBe('RUN true');
});

test('heredoc bodies and continuation lines are not read as instructions', () => {
  const text = ['RUN <<EOF', 'WORKDIR is just text here', 'EOF', 'RUN echo a \\', '    WORKDIR-not-an-instruction \\', '    && true', 'COPY <<-ONE <<TWO /tmp/', '\tUSER x', '\tONE', 'SHELL y', 'TWO'].join('\n');
  expect(render(text)).toBe(text);
});

test.each([
  ['FROM ubuntu', 'builder', 'FROM is not allowed in builder templates'],
  ['RUN true\nSHELL ["/bin/bash", "-c"]', 'setup', 'SHELL is not allowed in setup templates (line 2 of the rendered template)'],
  ['USER root', 'user', 'USER is not allowed in user templates'],
  ['ENV A=b', 'setup', 'ENV is not allowed in setup templates'],
  ['RUN true\nrm -rf /', 'setup', 'expected a Dockerfile instruction at line 2 of the rendered template, found "rm -rf /"'],
] as const)('refuses %j in a %s template', (text, kind, message) => {
  expect(() => render(text, kind)).toThrow(message);
});

test('a refused instruction is located on its template line, not its rendered line', () => {
  let error: RocktsError | undefined;
  try {
    render('{{#if options.flag}}\nRUN true\n{{/if}}\nENV A=b');
  } catch (e) {
    error = e as RocktsError;
  }
  expect(error?.message).toContain('ENV is not allowed in setup templates (line 2 of the rendered template)');
  expect(error?.location).toEqual({ file: 'demo/setup.Dockerfile.hbs', line: 4, column: 1 });
});

test('a builder may use ENV, WORKDIR and SHELL: its stage is its own', () => {
  const text = 'SHELL ["/bin/bash", "-c"]\nWORKDIR /src\nENV A=b\nRUN true';
  expect(render(text, 'builder')).toBe(text);
});

test('strict rendering: a variable missing at render time is an error naming the file and place', () => {
  const { user: _user, ...withoutUser } = context;
  let error: unknown;
  try {
    renderTemplate({ kind: 'setup', file: 'demo/setup.Dockerfile.hbs', text: 'RUN true\nRUN echo {{user.name}}' }, withoutUser);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RocktsError);
  expect((error as RocktsError).message).toBe("extension 'demo': template variable 'user.name' is not defined here");
  expect((error as RocktsError).location).toEqual({ file: 'demo/setup.Dockerfile.hbs', line: 2, column: 12 });
});

describe('checkTemplate', () => {
  const extension = fakeExtension({ name: 'demo' });
  const check = (text: string, kind: TemplateKind = 'builder') => checkTemplate({ kind, file: 'demo/t.hbs', text }, extension).map((e) => e.message);

  test('accepts the documented variables and helpers', () => {
    expect(check('RUN echo {{name}} {{version}} {{outDir}} {{stage}} {{builderBaseImage}} {{quote name}}')).toEqual([]);
    expect(check('RUN echo {{image}} {{user.name}} {{user.uid}} {{user.gid}} {{user.home}}', 'setup')).toEqual([]);
    expect(check('{{#each (lookup this "name")}}{{anything}}{{/each}}')).toEqual([]);
  });

  test('reports problems in branches that would not run', () => {
    expect(check('{{#unless name}}{{nmae}}{{/unless}}')).toEqual([expect.stringContaining("unknown template variable 'nmae'")]);
  });

  test('refuses undeclared options, filesDir without files/, partials and syntax errors', () => {
    expect(check('{{options.missing}}')).toEqual([expect.stringContaining("unknown template variable 'options.missing'")]);
    expect(check('COPY {{filesDir}}/x /x')).toEqual(["extension 'demo': 'filesDir' is used but the extension has no files/ folder"]);
    expect(check('{{> other}}')).toEqual(["extension 'demo': partials and decorators are not supported in extension templates"]);
    expect(check('RUN {{ name')).toEqual([expect.stringMatching(/^extension 'demo': invalid template: /)]);
  });
});

describe('a template and its values cannot change the Dockerfile beyond their own instructions', () => {
  const renderWith = (text: string, options: TemplateContext['options'], kind: TemplateKind = 'setup') =>
    renderTemplate({ kind, file: `demo/${kind}.Dockerfile.hbs`, text }, { ...context, options: { ...context.options, ...options } });
  const failure = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof RocktsError) return { message: error.message, location: error.location };
      throw error;
    }
    throw new Error('expected a RocktsError');
  };

  test('an option value ending in a backslash is refused, naming the option', () => {
    expect(failure(() => renderWith('RUN echo {{options.value}}\nRUN echo next', { value: 'done \\' }))).toEqual({
      message: `extension 'demo': option 'value' ("done \\\\") changes how BuildKit splits the template into instructions (from rendered line 1): a RUN on lines 1-2 instead of a RUN on lines 1-1; put the value into the template as {{quote options.value}}`,
      location: { file: 'demo/setup.Dockerfile.hbs', line: 1, column: 1 },
    });
    expect(failure(() => renderWith('RUN true\nRUN echo {{options.value}}', { value: 'done \\' })).message).toContain(
      "option 'value' (\"done \\\\\") changes how BuildKit splits the template into instructions (from rendered line 2): a RUN on lines 2-2 continued past the end of the template instead of a RUN on lines 2-2",
    );
  });

  test('an option value that is a heredoc word is refused, naming the option', () => {
    expect(failure(() => renderWith('RUN echo {{options.value}}\nRUN echo next\nEOF', { value: '<<EOF' })).message).toBe(
      `extension 'demo': option 'value' ("<<EOF") changes how BuildKit splits the template into instructions (from rendered line 1): a RUN on lines 1-3 with the heredoc <<EOF instead of a RUN on lines 1-1; put the value into the template as {{quote options.value}}`,
    );
    // Left open, the heredoc would take the lines of the extensions after this one.
    expect(failure(() => renderWith('RUN echo {{options.value}}\nRUN echo next', { value: '<<"    fi"' })).message).toBe(
      `extension 'demo': option 'value' ("<<\\"    fi\\"") changes how BuildKit splits the template into instructions (from rendered line 1): BuildKit's error "unterminated heredoc: no line '    fi' ends the heredoc <<"    fi" opened here" instead of a RUN on lines 1-1; put the value into the template as {{quote options.value}}`,
    );
  });

  test('the same values pass through {{quote}} and stay one word of one instruction', () => {
    for (const value of ['done \\', '<<"    fi"', '<<EOF', "it's", '# x', '`', '${x']) {
      expect(renderWith('RUN echo {{quote options.value}}\nRUN echo next', { value })).toBe(`RUN echo '${value.replace(/'/g, `'\\''`)}'\nRUN echo next`);
    }
  });

  test('a template ending in a line continuation is refused', () => {
    expect(failure(() => render('RUN true\nRUN echo done \\'))).toEqual({
      message: `extension 'demo': the template ends in a line continuation (rendered line 2 ends with '\\'): BuildKit would join the lines after this template to its last instruction`,
      location: { file: 'demo/setup.Dockerfile.hbs', line: 2, column: 1 },
    });
    // A comment line does not end a continuation.
    expect(failure(() => render('RUN echo done \\\n# the end')).message).toContain('the template ends in a line continuation (rendered line 1');
  });

  test('a template leaving a heredoc open is refused', () => {
    expect(failure(() => render('RUN true\nRUN cat <<EOF\nhello'))).toEqual({
      message: `extension 'demo': unterminated heredoc: no line 'EOF' ends the heredoc <<EOF opened here; every line after this template would become its body`,
      location: { file: 'demo/setup.Dockerfile.hbs', line: 2, column: 1 },
    });
  });

  test('a quoted <<EOF hides nothing from the instruction check', () => {
    expect(() => render('RUN echo "<<EOF"\nUSER root\nEOF')).toThrow('USER is not allowed in setup templates (line 2 of the rendered template)');
    expect(() => render('RUN echo "<<EOF"\nENV PATH=/evil\nEOF')).toThrow('ENV is not allowed in setup templates (line 2 of the rendered template)');
    expect(() => render('RUN echo "<<EOF"\nFROM scratch AS rockts-builder-base-evil\nEOF', 'builder')).toThrow('FROM is not allowed in builder templates (line 2 of the rendered template)');
  });

  test('a heredoc word with blanks after << is refused: frontends read it differently', () => {
    expect(() => render('RUN cat <<  EOF\nhi\nEOF')).toThrow(
      "the heredoc <<  EOF has blanks after '<<' (line 1 of the rendered template): Dockerfile frontends before 1.16 (Docker 26's own) read it as text, later ones as a heredoc; write <<EOF",
    );
  });

  test.each(['setup', 'user'] as const)('ARG is refused in %s templates', (kind) => {
    expect(() => render('ARG HTTP_PROXY', kind)).toThrow(
      `ARG is not allowed in ${kind} templates (line 1 of the rendered template): a build argument is in the environment of every RUN after it, in every extension after this one; set a variable inside RUN instead`,
    );
  });

  test('lookup of something that does not exist is an error, as every missing variable is', () => {
    expect(failure(() => render('RUN echo {{lookup options "channel"}}\nRUN echo {{lookup options "nosuch"}}'))).toEqual({
      message: `extension 'demo': template variable 'nosuch' is not defined here (lookup found nothing)`,
      location: { file: 'demo/setup.Dockerfile.hbs', line: 2, column: 10 },
    });
  });
});
