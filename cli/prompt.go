package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"golang.org/x/term"
)

// errInterrupted is ctrl+c typed at a no-echo prompt: in raw mode it
// arrives as a byte, not as a signal.
var errInterrupted = errors.New("interrupted")

// readPasswordContext shows prompt and reads a line without echo from the
// terminal f. The terminal is switched to raw mode here, before the prompt
// shows (so nothing typed after it is echoed) and before anything else can
// run, and
// switched back on every way out — the line read, ctrl+c (which raw mode
// delivers as a byte), ctrl+d, or ctx ending (an interrupt signal from
// elsewhere) — so no goroutine is left to change it afterwards. (Reading
// with term.ReadPassword in a goroutine races with a ctrl+c that comes
// before it has turned echo off, and then turns it off for good.)
func readPasswordContext(ctx context.Context, f *os.File, stderr io.Writer, prompt string) (string, error) {
	fd := int(f.Fd())
	before, err := term.MakeRaw(fd)
	if err != nil {
		return "", err
	}
	io.WriteString(stderr, prompt)
	type answer struct {
		line string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		line, err := readSecretLine(f)
		ch <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-ch:
	case <-ctx.Done():
		a.err = ctx.Err()
	}
	if err := term.Restore(fd, before); err != nil && a.err == nil {
		a.err = fmt.Errorf("restoring the terminal: %w", err)
	}
	if !errors.Is(a.err, errInterrupted) && ctx.Err() == nil {
		fmt.Fprintln(stderr)
	}
	return a.line, a.err
}

// readSecretLine reads one line typed on a raw terminal: enter ends it,
// backspace and ctrl+u edit it, ctrl+c interrupts, ctrl+d on an empty line
// is the end of input.
func readSecretLine(r io.Reader) (string, error) {
	var line []byte
	var b [1]byte
	for {
		n, err := r.Read(b[:])
		if n == 0 {
			if err == nil {
				continue
			}
			if err == io.EOF && len(line) > 0 {
				return string(line), nil
			}
			return "", err
		}
		switch c := b[0]; c {
		case 3:
			return "", errInterrupted
		case 4:
			if len(line) == 0 {
				return "", io.EOF
			}
		case '\r', '\n':
			return string(line), nil
		case 0x7f, '\b':
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
			}
		case 0x15:
			line = line[:0]
		default:
			line = append(line, c)
		}
	}
}
