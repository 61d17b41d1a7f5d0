package session

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// Deleting a profile asks only the stores it could have used. Without a
// keyring, a profile whose secrets are in the file and that "keeps tokens"
// (which then were never kept) deletes cleanly, duplicate or not; one whose
// secrets are in the keyring still says what was left behind.
func TestDeleteWithoutKeyringAsksOnlyTheStoresUsed(t *testing.T) {
	ctx := context.Background()
	dir := configDir(t)
	noKeyring := fmt.Errorf("%w: keyring delete: exec: \"dbus-launch\": executable file not found in $PATH", profiles.ErrNoKeyring)
	svc := newService(t, dir, keyringtest.Failing(noKeyring))
	p := clientProfile("fileprof", "")
	p.Secrets[profiles.ClientSecret] = profiles.SourceFile
	p.KeepTokens = true
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: "cs-of-fileprof"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Duplicate(ctx, "fileprof", "fileprof-copy"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"fileprof-copy", "fileprof"} {
		if err := svc.Delete(ctx, name); err != nil {
			t.Fatalf("delete %s: %v", name, err)
		}
		if strings.Contains(readFile(t, svc), "name: "+name+"\n") {
			t.Fatalf("%s still in the profiles file:\n%s", name, readFile(t, svc))
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, profiles.SecretsFileName)); err == nil && strings.Contains(string(data), "cs-of-fileprof") {
		t.Fatalf("the secret was left in the file:\n%s", data)
	}

	// Secrets in the keyring: not reached is an error worth saying.
	k := clientProfile("kr", "")
	k.KeepTokens = true
	if err := svc.Store.Add(k); err != nil {
		t.Fatal(err)
	}
	err := svc.Delete(ctx, "kr")
	var cleanup *CleanupError
	if !errors.As(err, &cleanup) || !errors.Is(err, profiles.ErrNoKeyring) {
		t.Fatalf("delete of a keyring profile without a keyring: %v", err)
	}
}
