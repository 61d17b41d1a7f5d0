package bundle_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tokenbench/tokenbench/bundle"
)

// Writers racing for one name: exactly one makes the file, the others get
// an ExistsError; none replaced another's file, and no temporary file is
// left behind.
func TestWriteFileIsExclusiveUnderARace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ticket.zip")
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = bundle.WriteFile(path, []byte(strings.Repeat(string(rune('a'+i)), 1<<16)), false)
		}()
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won >= 0:
			t.Fatalf("writers %d and %d both wrote the file", won, i)
		case err == nil:
			won = i
		case !errors.Is(err, fs.ErrExist):
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	data, _ := os.ReadFile(path)
	if won < 0 || string(data) != strings.Repeat(string(rune('a'+won)), 1<<16) {
		t.Fatalf("the file is not the winner's whole write")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("left in the directory: %v", entries)
	}
}

// A link planted at the name, even one to nowhere, is refused, not
// followed; replace replaces the link itself, atomically, 0600.
func TestWriteFileNeverFollowsALink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	link := filepath.Join(dir, "ticket.har")
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	_, err := bundle.WriteFile(link, []byte("har"), false)
	var ex *bundle.ExistsError
	if !errors.As(err, &ex) || ex.Path != link || !strings.Contains(err.Error(), "exists; not replaced") {
		t.Fatalf("over a dangling link: %v", err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Fatalf("the link was followed: %v", err)
	}
	if _, err := bundle.WriteFile(link, []byte("har"), true); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&fs.ModeSymlink != 0 || fi.Mode().Perm() != 0o600 {
		t.Fatalf("replaced: %v %v", fi.Mode(), err)
	}
	if _, err := os.Lstat(target); !os.IsNotExist(err) {
		t.Fatalf("the link was followed on replace: %v", err)
	}
}
