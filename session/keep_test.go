package session

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tokenbench/tokenbench/client"
	"github.com/tokenbench/tokenbench/client/record"
	"github.com/tokenbench/tokenbench/flows"
	"github.com/tokenbench/tokenbench/profiles"
)

// A token the session holds stays known to the redactor however long it
// has expired (its screen still names it); once the session lets it go,
// the redactor forgets it.
func TestRedactorKeepsTokensTheSessionHolds(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	jwt := func(id string) string {
		payload := fmt.Sprintf(`{"exp":%d,"jti":%q}`, now.Add(-time.Hour).Unix(), id)
		return "eyJhbGciOiJub25lIn0." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2lnbmF0dXJl"
	}
	held, other := jwt("held"), jwt("other")
	rd := &record.Redactor{}
	rd.AddToken(held)
	rd.AddToken(other)
	svc := New(nil, nil, nil)
	svc.Hold(profiles.Profile{Name: "merchant"}, &flows.Result{Response: &client.TokenResponse{AccessToken: held}})
	svc.KeepHeldIn(rd)
	svc.KeepHeldIn(rd) // once is enough

	rd.Forget(now.Add(24 * time.Hour))
	if got := rd.Redact("token " + held); strings.Contains(got, held) {
		t.Fatalf("a held token expired a day ago was forgotten: %q", got)
	}
	if got := rd.Redact(other); got != other {
		t.Fatalf("a token no one holds, expired a day ago, is still known: %q", got)
	}
	svc.Forget("merchant")
	rd.Forget(now.Add(24 * time.Hour))
	if got := rd.Redact(held); got != held {
		t.Fatalf("a token the session let go of is still known: %q", got)
	}
}
