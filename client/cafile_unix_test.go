//go:build unix

package client_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tokenbench/tokenbench/client"
)

func TestCAFileMustBeASmallRegularFile(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, bytes.Repeat([]byte("A"), 1<<20+1), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/dev/zero": "is not a regular file",
		fifo:        "is not a regular file",
		dir:         "is not a regular file",
		big:         "larger than 1 MiB",
	} {
		_, err := client.New(client.Options{BaseURL: "https://api.dintero.com/v1", CAFile: path})
		if !errors.Is(err, client.ErrInvalidInput) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v", path, err)
		}
	}
}
