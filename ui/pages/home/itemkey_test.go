package home_test

import (
	"testing"

	"github.com/tokenbench/tokenbench/profiles"
	"github.com/tokenbench/tokenbench/ui/internal/uitest"
	"github.com/tokenbench/tokenbench/ui/pages/home"
)

// TestItemKeysNameTheirItem: a profile's key holds its token under its
// own name and names its draft "profile:NAME"; a connection's holds it
// under "conn:N", which no profile name can be; the zero key is none.
func TestItemKeysNameTheirItem(t *testing.T) {
	pk, ck := home.ProfileKey("merchant-x"), home.ConnKey(2)
	if pk.Held() != "merchant-x" || pk.String() != "profile:merchant-x" || pk.IsNew() || pk.None() {
		t.Fatalf("profile key: %q %q", pk.Held(), pk.String())
	}
	if _, ok := pk.Conn(); ok {
		t.Fatal("a profile's key names a connection")
	}
	if i, ok := ck.Conn(); !ok || i != 2 || ck.Held() != "conn:2" || ck.String() != "conn:2" {
		t.Fatalf("connection key: %d %v %q", i, ok, ck.Held())
	}
	if err := (profiles.Profile{Name: ck.Held(), Account: "T11223344", Grant: "client_credentials", ClientID: "c"}).ValidateNew(false); err == nil {
		t.Fatal(`a profile may be named "conn:2": its token would be the connection's`)
	}
	var none home.ItemKey
	if !none.None() || none.Held() != "" || none.IsNew() {
		t.Fatal("the zero key names an item")
	}
}

// TestSelectKeyAndItemProfile: SelectKey moves the cursor to the item a key
// names (after a save, the saved profile); a connection's item is held under
// its key with its base URL and MFA channel.
func TestSelectKeyAndItemProfile(t *testing.T) {
	ctx := homeContext(t, uitest.NewClock(uitest.FixedNow), true)
	p := home.New(ctx, saved, "")
	p.SelectKey(home.ConnKey(1))
	a := act(t, drive(p, "enter"))
	if a.Item.Name != "MFA user" {
		t.Fatalf("SelectKey(conn 1) selected %q", a.Item.Name)
	}
	prof := home.ItemProfile(ctx, a.Item)
	if prof.Name != "conn:1" || prof.BaseURL != base || prof.MFAChannel != "sms" {
		t.Fatalf("the connection's profile: %+v", prof)
	}
	p.SelectKey(home.ProfileKey("prod-support"))
	if a := act(t, drive(p, "enter")); a.Item.Name != "prod-support" || home.ItemProfile(ctx, a.Item).Username != "support@example.com" {
		t.Fatalf("SelectKey(prod-support): %+v", a.Item)
	}
}
