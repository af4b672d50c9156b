package callbacks_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/payscoregen/payscoregen/generated/acquiringbank"
	"github.com/payscoregen/payscoregen/runtime/notify"
	"github.com/payscoregen/payscoregen/runtime/validate"
)

func TestParseAuthorizationNotify(t *testing.T) {
	for _, m := range []mode{publicKeyMode, certificateMode} {
		t.Run(m.String(), func(t *testing.T) {
			f := newFixture(t, m)

			body := f.seal(t, envelope("EV-OPEN", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
			ev, n, err := acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
			if err != nil {
				t.Fatal(err)
			}
			open, ok := ev.(*acquiringbank.UserOpenServiceEvent)
			if !ok {
				t.Fatalf("event is %T, want *UserOpenServiceEvent", ev)
			}
			if n.Envelope.ID != "EV-OPEN" || open.Envelope.ID != "EV-OPEN" || open.Data.OpenID != f.openID || n.Serial != f.signer.Serial {
				t.Errorf("notification %v, event %+v", n, open.Envelope)
			}

			body = f.seal(t, envelope("EV-CLOSE", acquiringbank.UserCloseServiceEventType), f.closePlaintext())
			ev, _, err = acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
			if err != nil {
				t.Fatal(err)
			}
			switch ev := ev.(type) {
			case *acquiringbank.UserCloseServiceEvent:
				if ev.Data.SubOpenID != f.subOpenID || ev.Data.MchID != "1230000109" {
					t.Errorf("close data %+v", ev.Data)
				}
			default:
				t.Fatalf("event is %T, want *UserCloseServiceEvent", ev)
			}
		})
	}
}

func TestParseAuthorizationNotifyErrors(t *testing.T) {
	f := newFixture(t, publicKeyMode, func(c *notify.Config) { c.MaxBodyBytes = 4 << 20 })

	t.Run("unknown event type", func(t *testing.T) {
		body := f.seal(t, envelope("EV-PAID", "PAYSCORE.USER_PAID"), f.openPlaintext())
		ev, n, err := acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
		var unknown *notify.UnknownEventError
		if ev != nil || !errors.Is(err, notify.ErrUnknownEventType) || !errors.As(err, &unknown) || unknown.NoCallback {
			t.Fatalf("got %v, %v; want an *UnknownEventError", ev, err)
		}
		// n is there so the caller can acknowledge and log it.
		if n == nil || n.Envelope.EventType != "PAYSCORE.USER_PAID" {
			t.Fatalf("notification %v", n)
		}
	})
	t.Run("invalid resource", func(t *testing.T) {
		pt := bytes.Replace(f.openPlaintext(), []byte(`"openid"`), []byte(`"sub_openid":"`+f.subOpenID+`","openid"`), 1)
		body := f.seal(t, envelope("EV-BOTH", acquiringbank.UserOpenServiceEventType), pt)
		ev, n, err := acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
		if ev != nil || n == nil || !errors.Is(err, notify.ErrInvalidPlaintext) {
			t.Fatalf("got %v, %v, %v", ev, n, err)
		}
		var oneOf *validate.OneOfError
		if !errors.As(err, &oneOf) || len(oneOf.Present) != 2 {
			t.Fatalf("err = %v, want a *validate.OneOfError naming both fields", err)
		}
		assertNoSecrets(t, "error", err.Error(), f.secrets(body))
	})
	t.Run("bad signature", func(t *testing.T) {
		body := f.seal(t, envelope("EV-SIG", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
		r := f.request(t, body)
		r.Header.Set(notify.HeaderNonce, "another-nonce")
		ev, n, err := acquiringbank.ParseAuthorizationNotify(f.parser, r)
		if ev != nil || n != nil || !errors.Is(err, notify.ErrSignature) {
			t.Fatalf("got %v, %v, %v", ev, n, err)
		}
		assertNoSecrets(t, "error", err.Error(), f.secrets(body))
	})
	t.Run("spec body limit", func(t *testing.T) {
		body := f.seal(t, envelope("EV-BIG", acquiringbank.UserOpenServiceEventType), f.openPlaintext())
		body = append(body, bytes.Repeat([]byte(" "), acquiringbank.AuthorizationNotifyMaxBodyBytes+1-len(body))...)
		_, _, err := acquiringbank.ParseAuthorizationNotify(f.parser, f.request(t, body))
		if !errors.Is(err, notify.ErrBodyTooLarge) {
			t.Fatalf("err = %v, want ErrBodyTooLarge (the parser alone allows 4 MiB)", err)
		}
	})
	t.Run("every rejection", func(t *testing.T) {
		for _, rj := range rejections() {
			g := newFixture(t, publicKeyMode)
			r, bodies := rj.build(t, g)
			_, _, err := acquiringbank.ParseAuthorizationNotify(g.parser, r)
			if err == nil {
				t.Errorf("%s: accepted", rj.name)
				continue
			}
			assertNoSecrets(t, rj.name+": error", err.Error(), g.secrets(bodies...))
		}
	})
}

func TestDecodeAuthorizationNotifyEvent(t *testing.T) {
	f := newFixture(t, publicKeyMode)
	n := &notify.Notification{Envelope: envelope("EV-1", acquiringbank.UserCloseServiceEventType), Plaintext: f.closePlaintext()}
	ev, err := acquiringbank.DecodeAuthorizationNotifyEvent(n)
	if err != nil {
		t.Fatal(err)
	}
	if cl, ok := ev.(*acquiringbank.UserCloseServiceEvent); !ok || cl.Envelope.ID != "EV-1" || cl.Data.SubOpenID != f.subOpenID {
		t.Fatalf("event %#v", ev)
	}
	n.Envelope.EventType = "payscore.user_close_service" // event types are matched exactly
	if _, err := acquiringbank.DecodeAuthorizationNotifyEvent(n); !errors.Is(err, notify.ErrUnknownEventType) {
		t.Fatalf("err = %v, want ErrUnknownEventType", err)
	}
}
