package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/tokenbench/tokenbench/profiles"
)

// maxSecretFile bounds a secret read from a file or stdin.
const maxSecretFile = 1 << 20

// env is the environment the command reads secrets from; tests replace it.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stderr io.Writer
	// isTerminal reports whether stdin is an interactive terminal.
	isTerminal func() bool
	// readPassword shows prompt and reads a line without echo from the
	// terminal; when ctx
	// ends first (an interrupt) it restores the terminal and returns.
	readPassword func(ctx context.Context, prompt string) (string, error)
	stdinUsed    bool
	lines        *bufio.Reader
	// environ is the environment a child of exec starts from.
	environ func() []string
	// keyring keeps the secrets of profiles; tests give each run its own.
	keyring profiles.Keyring
}

func osEnv(stdin io.Reader, stderr io.Writer) *env {
	e := &env{getenv: os.Getenv, stdin: stdin, stderr: stderr, environ: os.Environ, keyring: profiles.OSKeyring{}}
	e.isTerminal = func() bool {
		f, ok := stdin.(*os.File)
		return ok && term.IsTerminal(int(f.Fd()))
	}
	e.readPassword = func(ctx context.Context, prompt string) (string, error) {
		return readPasswordContext(ctx, stdin.(*os.File), stderr, prompt)
	}
	return e
}

// secret reads a secret from a file flag (FILE or - for stdin) or, when the
// flag is empty, from an environment variable. Secrets never come from a
// flag's value itself.
func (e *env) secret(what, file, envVar string) (string, error) {
	if file == "" {
		return profiles.FirstLine(e.getenv(envVar)), nil
	}
	var data []byte
	var err error
	if file == "-" {
		if e.stdinUsed {
			return "", &usageError{fmt.Errorf("only one secret can be read from stdin (%s)", what)}
		}
		e.stdinUsed = true
		// One line, through the reader later lines come from: a binding
		// code may follow on the next.
		var line string
		line, err = e.rawLine()
		if err == io.EOF {
			err = nil
		}
		data = []byte(line)
	} else {
		var f *os.File
		if f, err = os.Open(file); err == nil {
			data, err = io.ReadAll(io.LimitReader(f, maxSecretFile+1))
			f.Close()
		}
	}
	if err != nil {
		return "", &usageError{fmt.Errorf("reading %s: %w", what, err)}
	}
	if len(data) > maxSecretFile {
		return "", &usageError{fmt.Errorf("%s file is larger than 1 MiB", what)}
	}
	s := profiles.FirstLine(string(data))
	if s == "" {
		return "", &usageError{fmt.Errorf("%s file %s is empty (or its first line is)", what, file)}
	}
	return s, nil
}

// line reads one line from stdin, trimmed (a binding code), io.EOF when
// there is none.
func (e *env) line() (string, error) {
	s, err := e.rawLine()
	return strings.TrimSpace(s), err
}

// rawLine reads one line from stdin (at most 1 MiB) without its line
// ending, io.EOF when there is none.
func (e *env) rawLine() (string, error) {
	if e.lines == nil {
		e.lines = bufio.NewReaderSize(io.LimitReader(e.stdin, 64*maxSecretFile), 64<<10)
	}
	var b strings.Builder
	for {
		chunk, err := e.lines.ReadSlice('\n')
		if b.Len()+len(chunk) > maxSecretFile {
			return "", fmt.Errorf("a line of stdin is longer than 1 MiB")
		}
		b.Write(chunk)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF && b.Len() > 0 {
			err = nil
		}
		return profiles.FirstLine(b.String()), err
	}
}
