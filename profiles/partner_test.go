package profiles

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tokenbench/tokenbench/client"
)

func TestPartnerProfile(t *testing.T) {
	p := Profile{Name: "t112", Account: "T11200001", Partner: "T11200000", Grant: string(client.GrantClientCredentials), ClientID: "partner-client"}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	st := &Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	if err := st.Add(p); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Get(p.Name); err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip: %+v, %v", got, err)
	}
	if r := p.Request(); r.Partner != "T11200000" || r.Account != "T11200001" {
		t.Fatalf("request %+v", r)
	}
	for _, bad := range []Profile{
		{Name: "a", Account: "T11200001", Partner: "T112", Grant: "client_credentials"},
		{Name: "b", Account: "T11200000", Partner: "T11200000", Grant: "client_credentials"},
		{Name: "c", Account: "T11200001", Partner: "T11200000", Grant: "password"},
	} {
		if err := bad.Validate(); !errors.Is(err, client.ErrInvalidInput) {
			t.Errorf("%s: %v", bad.Name, err)
		}
	}
}
