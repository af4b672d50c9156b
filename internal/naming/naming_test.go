package naming

import "testing"

func TestGo(t *testing.T) {
	for in, want := range map[string]string{
		"service_id": "ServiceID", "sub_appid": "SubAppID", "notify_url": "NotifyURL", "businessType": "BusinessType",
		"PAYSCORE.USER_OPEN_SERVICE": "PayscoreUserOpenService", "mch_id": "MchID", "openorclose_time": "OpenorcloseTime",
		"9lives": "X9lives",
	} {
		if got := Go(in); got != want {
			t.Errorf("Go(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Unexported("confirm_order"); got != "confirmOrder" {
		t.Errorf("Unexported = %q", got)
	}
}

func TestSharedPrefix(t *testing.T) {
	for _, tc := range []struct {
		ids  []string
		want string
	}{
		{[]string{"confirm_order_open_business_view", "confirm_order_navigate"}, "confirm_order"},
		{[]string{"confirm_order_package_navigate", "confirm_order_package_open_business_view"}, "confirm_order_package"},
		{[]string{"authorize_app"}, "authorize_app"},
		{[]string{"pay", "authorize"}, ""},
		{nil, ""},
	} {
		if got := SharedPrefix(tc.ids); got != tc.want {
			t.Errorf("SharedPrefix(%q) = %q, want %q", tc.ids, got, tc.want)
		}
	}
}
