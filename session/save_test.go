package session

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/dinterotest"
	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/profiles/keyringtest"
)

// twoProfiles saves a (client secret, refresh token and kept tokens, all in
// the keyring) and b (its own client secret).
func twoProfiles(t *testing.T, svc *Service) {
	t.Helper()
	ctx := context.Background()
	a := clientProfile("a", "")
	a.Secrets[profiles.RefreshToken] = profiles.SourceKeyring
	a.KeepTokens = true
	if err := svc.Create(ctx, a, Values{profiles.ClientSecret: "secret-of-a", profiles.RefreshToken: "rt-of-a"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Secrets.KeepTokens(a, profiles.KeptTokens{AccessToken: "at-of-a"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Create(ctx, clientProfile("b", ""), Values{profiles.ClientSecret: "secret-of-b"}); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, svc *Service) string {
	t.Helper()
	data, err := os.ReadFile(svc.Store.Path())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func secretOf(t *testing.T, svc *Service, name string, k profiles.Kind) string {
	t.Helper()
	p, err := svc.Profile(name)
	if err != nil {
		t.Fatalf("profile %s: %v", name, err)
	}
	v, err := svc.Secrets.Get(context.Background(), p, k)
	if err != nil {
		t.Fatalf("%s of %s: %v", k, name, err)
	}
	return v
}

// Issue 9 item 17: a rename onto an existing name moved a's secrets over
// b's before the file refused it.
func TestRenameOntoExistingNameTouchesNothing(t *testing.T) {
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	twoProfiles(t, svc)
	keysBefore, fileBefore := kr.snapshot(), readFile(t, svc)

	err := svc.Rename(context.Background(), "a", "b")
	if !errors.Is(err, profiles.ErrExists) {
		t.Fatalf("rename a to b: %v, want ErrExists", err)
	}
	a, _ := svc.Profile("a")
	edited := a
	edited.Name, edited.Notes = "b", "edited"
	if err := svc.Update(context.Background(), "a", edited, Values{profiles.ClientSecret: "typed"}); !errors.Is(err, profiles.ErrExists) {
		t.Fatalf("edit a --name b: %v, want ErrExists", err)
	}
	if got := kr.snapshot(); !maps.Equal(got, keysBefore) {
		t.Fatalf("the keyring changed:\n got %v\nwant %v", got, keysBefore)
	}
	if got := readFile(t, svc); got != fileBefore {
		t.Fatalf("the file changed:\n%s", got)
	}
	if secretOf(t, svc, "b", profiles.ClientSecret) != "secret-of-b" || secretOf(t, svc, "a", profiles.ClientSecret) != "secret-of-a" {
		t.Fatal("a secret moved")
	}
}

// A rename whose keyring fails at any call leaves both profiles as they
// were, or (when only the old secrets could not be deleted) is done.
func TestRenameFailingAtEachKeyringCall(t *testing.T) {
	ctx := context.Background()
	failures := 0
	for n := 1; ; n++ {
		kr := newFakeKeyring()
		svc := newService(t, configDir(t), kr)
		twoProfiles(t, svc)
		keysBefore, fileBefore := kr.snapshot(), readFile(t, svc)

		kr.arm(n)
		err := svc.Rename(ctx, "a", "c")
		kr.arm(0)
		var cleanup *CleanupError
		switch {
		case err == nil:
			if failures < 6 {
				t.Fatalf("only %d keyring calls could fail; the rename makes more", failures)
			}
			ps, _ := svc.Store.Load()
			if got := names(ps); !reflect.DeepEqual(got, []string{"b", "c"}) {
				t.Fatalf("after the rename: %v", got)
			}
			if secretOf(t, svc, "c", profiles.ClientSecret) != "secret-of-a" || secretOf(t, svc, "c", profiles.RefreshToken) != "rt-of-a" {
				t.Fatal("c lacks a's secrets")
			}
			c, _ := svc.Profile("c")
			if kept, err := svc.Secrets.KeptTokens(ctx, c); err != nil || kept.AccessToken != "at-of-a" {
				t.Fatalf("kept tokens did not move: %v", err)
			}
			for key := range kr.snapshot() {
				if key == "tokenbench/profile:a:client_secret" || key == "tokenbench/profile:a:refresh_token" || key == "tokenbench/profile:a:tokens" {
					t.Fatalf("a's secret %s is left behind", key)
				}
			}
			return
		case errors.As(err, &cleanup):
			failures++
			// Done, with a secret of a left behind and said so.
			if secretOf(t, svc, "c", profiles.ClientSecret) != "secret-of-a" || secretOf(t, svc, "b", profiles.ClientSecret) != "secret-of-b" {
				t.Fatalf("call %d failed in the cleanup, yet the rename is not complete", n)
			}
			if _, err := svc.Profile("a"); !errors.Is(err, profiles.ErrNotFound) {
				t.Fatalf("call %d: a is still in the file", n)
			}
		default:
			failures++
			if !errors.Is(err, profiles.ErrNoKeyring) {
				t.Fatalf("call %d: %v", n, err)
			}
			if got := kr.snapshot(); !maps.Equal(got, keysBefore) {
				t.Fatalf("call %d failed (%v) and the keyring changed:\n got %v\nwant %v", n, err, got, keysBefore)
			}
			if got := readFile(t, svc); got != fileBefore {
				t.Fatalf("call %d failed and the file changed:\n%s", n, got)
			}
		}
	}
}

// A file that cannot be written after the new secrets were: they are
// taken back, and both profiles stay as they were.
func TestRenameFileWriteFails(t *testing.T) {
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	twoProfiles(t, svc)
	keysBefore, fileBefore := kr.snapshot(), readFile(t, svc)

	svc.file = &failingFile{Store: svc.Store, fail: true}
	if err := svc.Rename(context.Background(), "a", "c"); !errors.Is(err, errDiskFull) {
		t.Fatalf("rename: %v", err)
	}
	// An edit of a with a new secret is taken back as well.
	a, _ := svc.Profile("a")
	if err := svc.Update(context.Background(), "a", a, Values{profiles.ClientSecret: "new-secret"}); !errors.Is(err, errDiskFull) {
		t.Fatalf("edit: %v", err)
	}
	if err := svc.Create(context.Background(), clientProfile("d", ""), Values{profiles.ClientSecret: "secret-of-d"}); !errors.Is(err, errDiskFull) {
		t.Fatalf("create: %v", err)
	}
	if got := kr.snapshot(); !maps.Equal(got, keysBefore) {
		t.Fatalf("the keyring changed:\n got %v\nwant %v", got, keysBefore)
	}
	if got := readFile(t, svc); got != fileBefore {
		t.Fatalf("the file changed:\n%s", got)
	}
}

// A duplicate gets copies of the stored secrets (so it can get a token at
// once), not the kept tokens.
func TestDuplicateCopiesSecrets(t *testing.T) {
	srv := fakeServer(t, dinterotest.DemoConfig(0))
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	a := clientProfile("a", srv.URL)
	a.KeepTokens = true
	ctx := context.Background()
	if err := svc.Create(ctx, a, Values{profiles.ClientSecret: dinterotest.DemoSecret}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Secrets.KeepTokens(a, profiles.KeptTokens{AccessToken: "at-of-a"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.Duplicate(ctx, "a", "a-copy"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Duplicate(ctx, "a", "a-copy"); !errors.Is(err, profiles.ErrExists) {
		t.Fatalf("second duplicate: %v", err)
	}
	dup, err := svc.Profile("a-copy")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Secrets.KeptTokens(ctx, dup); !errors.Is(err, profiles.ErrNotSet) {
		t.Fatalf("kept tokens were copied: %v", err)
	}
	req := dup.Request()
	if err := svc.Secrets.FillSecrets(ctx, dup, &req, nil); err != nil {
		t.Fatalf("the duplicate lost its client secret: %v", err)
	}
	res, _, err := svc.Run(ctx, dup, req, runStart(t, svc, dup))
	if err != nil || res == nil {
		t.Fatalf("token with the duplicate: %v", err)
	}
	if held, ok := svc.Held("a-copy"); !ok || held != res {
		t.Fatal("the token is not held")
	}
	// The original keeps its own.
	if secretOf(t, svc, "a", profiles.ClientSecret) != dinterotest.DemoSecret {
		t.Fatal("a lost its secret")
	}
}

// Changing where a secret lives moves it; a password no longer stored is
// deleted from where it was.
func TestEditMovesAndDropsSecrets(t *testing.T) {
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	ctx := context.Background()
	p := clientProfile("pw", "")
	p.Grant, p.Username = string(client.GrantPassword), "support@example.com"
	p.Secrets[profiles.Password] = profiles.SourceKeyring
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: "cs", profiles.Password: "pw-secret"}); err != nil {
		t.Fatal(err)
	}
	edited := p
	edited.Secrets = map[profiles.Kind]profiles.Source{profiles.ClientSecret: profiles.SourceFile, profiles.Password: profiles.SourceAsk}
	if err := svc.Update(ctx, "pw", edited, nil); err != nil {
		t.Fatal(err)
	}
	if got := secretOf(t, svc, "pw", profiles.ClientSecret); got != "cs" {
		t.Fatalf("client secret in the file: %q", got)
	}
	if left := kr.snapshot(); len(left) != 0 {
		t.Fatalf("left in the keyring: %v", left)
	}
}

// Delete removes the profile, then its secrets; a keyring that fails
// there says the profile is gone but a secret is not.
func TestDelete(t *testing.T) {
	kr := newFakeKeyring()
	svc := newService(t, configDir(t), kr)
	twoProfiles(t, svc)
	ctx := context.Background()
	if err := svc.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	for key := range kr.snapshot() {
		if !strings.HasPrefix(key, "tokenbench/dir:") || !strings.HasSuffix(key, ":profile:b:client_secret") {
			t.Fatalf("left behind: %s", key)
		}
	}
	if err := svc.Delete(ctx, "a"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	kr.arm(1)
	var cleanup *CleanupError
	if err := svc.Delete(ctx, "b"); !errors.As(err, &cleanup) {
		t.Fatalf("delete with a failing keyring: %v", err)
	}
	if _, err := svc.Profile("b"); !errors.Is(err, profiles.ErrNotFound) {
		t.Fatal("b is still there")
	}
}

func TestNothingSavedWithoutAStore(t *testing.T) {
	svc := New(nil, nil, nil)
	if err := svc.Create(context.Background(), clientProfile("x", ""), nil); !errors.Is(err, ErrNoStore) {
		t.Fatalf("create in the demo: %v", err)
	}
}

// Two processes adding the same name at once: one wins with its secret,
// the other is refused and takes nothing of the winner's away.
func TestConcurrentCreatesOfOneName(t *testing.T) {
	dir, kr := configDir(t), newFakeKeyring()
	svcs := []*Service{newService(t, dir, kr), newService(t, dir, kr)}
	for i := range 20 {
		name := fmt.Sprintf("p%d", i)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for j, svc := range svcs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[j] = svc.Create(context.Background(), clientProfile(name, ""), Values{profiles.ClientSecret: fmt.Sprintf("secret-%d", j)})
			}()
		}
		wg.Wait()
		winner := slices.IndexFunc(errs, func(err error) bool { return err == nil })
		if winner < 0 || errs[1-winner] == nil || !errors.Is(errs[1-winner], profiles.ErrExists) {
			t.Fatalf("%s: %v", name, errs)
		}
		if got := secretOf(t, svcs[0], name, profiles.ClientSecret); got != fmt.Sprintf("secret-%d", winner) {
			t.Fatalf("%s: the secret is %q, the winner was %d", name, got, winner)
		}
	}
}

// Names that are paths elsewhere (".", "..") are profile names like any
// other, for the profile locks too.
func TestDotNamesSave(t *testing.T) {
	svc := newService(t, configDir(t), newFakeKeyring())
	ctx := context.Background()
	for _, name := range []string{".", ".."} {
		if err := svc.Create(ctx, clientProfile(name, ""), Values{profiles.ClientSecret: "s" + name}); err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
	}
	if err := svc.Rename(ctx, ".", "dot"); err != nil {
		t.Fatal(err)
	}
	if secretOf(t, svc, "dot", profiles.ClientSecret) != "s." || secretOf(t, svc, "..", profiles.ClientSecret) != "s.." {
		t.Fatal("secrets mixed up")
	}
}

func TestProfilesListsWhatWasSaved(t *testing.T) {
	svc := newService(t, configDir(t), newFakeKeyring())
	if ps, err := svc.Profiles(); err != nil || len(ps) != 0 {
		t.Fatalf("empty store: %v %v", ps, err)
	}
	twoProfiles(t, svc)
	ps, err := svc.Profiles()
	if err != nil || !reflect.DeepEqual(names(ps), []string{"a", "b"}) {
		t.Fatalf("profiles: %v %v", ps, err)
	}
}

// Issue (sess 1): without a keyring, a profile keeping its secrets in the
// file and tokens "across restarts" (which then are not kept) could not be
// renamed, and a rename that also stopped keeping tokens renamed both files
// yet failed, on deleting kept tokens that could not exist. Both rename,
// completely; a rename that fails touches neither file.
func TestRenameKeepTokensWithoutKeyring(t *testing.T) {
	ctx := context.Background()
	dir := configDir(t)
	svc := newService(t, dir, keyringtest.Failing(fmt.Errorf("%w: no Secret Service", profiles.ErrNoKeyring)))
	p := clientProfile("mfa2", "")
	p.Grant, p.Username = string(client.GrantPassword), "support@example.com"
	p.Secrets[profiles.ClientSecret] = profiles.SourceFile
	p.Secrets[profiles.Password] = profiles.SourceAsk
	if err := svc.Create(ctx, p, Values{profiles.ClientSecret: "cs-of-mfa"}); err != nil {
		t.Fatal(err)
	}
	p.KeepTokens = true
	if err := svc.Update(ctx, "mfa2", p, nil); err != nil {
		t.Fatal(err)
	}
	secretsFile := filepath.Join(dir, profiles.SecretsFileName)
	onDisk := func() string {
		t.Helper()
		data, err := os.ReadFile(secretsFile)
		if err != nil {
			t.Fatal(err)
		}
		return readFile(t, svc) + string(data)
	}
	wantOnly := func(name, gone string) {
		t.Helper()
		all := onDisk()
		if !strings.Contains(all, "name: "+name) || !strings.Contains(all, "\n"+name+":\n") || strings.Contains(all, gone) {
			t.Fatalf("want only %s on disk, not %s:\n%s", name, gone, all)
		}
		if got := secretOf(t, svc, name, profiles.ClientSecret); got != "cs-of-mfa" {
			t.Fatalf("client secret of %s: %q", name, got)
		}
	}

	renamed := p
	renamed.Name = "mfa3"
	if err := svc.Update(ctx, "mfa2", renamed, nil); err != nil {
		t.Fatalf("rename keeping tokens: %v", err)
	}
	wantOnly("mfa3", "mfa2")

	// Keep tokens off, and a rename at once.
	back := renamed
	back.Name, back.KeepTokens = "mfa2", false
	if err := svc.Update(ctx, "mfa3", back, nil); err != nil {
		t.Fatalf("rename, no longer keeping tokens: %v", err)
	}
	wantOnly("mfa2", "mfa3")

	// A rename whose file cannot be written changes nothing.
	before := onDisk()
	svc.file = &failingFile{Store: svc.Store, fail: true}
	if err := svc.Rename(ctx, "mfa2", "mfa4"); !errors.Is(err, errDiskFull) {
		t.Fatalf("rename on a full disk: %v", err)
	}
	if got := onDisk(); got != before {
		t.Fatalf("a failed rename changed the files:\n%s\nwas\n%s", got, before)
	}
}
