package jumpsign_test

import (
	"fmt"
	"log"

	"github.com/payscoregen/payscoregen/runtime/jumpsign"
)

// Signing and checking jump parameters with the merchant's APIv2 key. The
// generated builders do this for you; this is the scheme underneath.
func ExampleSign() {
	key := jumpsign.Secret("0123456789abcdefghijklmnopqrstuv")
	params := map[string]string{
		"mch_id": "1230000109", "package": "XXXXXXXX", "timestamp": "1530097563",
		"nonce_str": "zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2", "sign_type": "HMAC-SHA256",
	}
	fmt.Println(jumpsign.Canonical(params, jumpsign.SignField))
	sign, err := jumpsign.Sign(jumpsign.HMACSHA256Algo, params, key)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sign)
	fmt.Println(jumpsign.Verify(jumpsign.HMACSHA256Algo, params, key, sign))
	fmt.Printf("%v\n", key) // keys never print
	// Output:
	// mch_id=1230000109&nonce_str=zyx53Nkey8o4bHpxTQvd8m7e92nG5mG2&package=XXXXXXXX&sign_type=HMAC-SHA256&timestamp=1530097563
	// A48EACE16C228EFD28D5D81C585AA48A93B44A6A27217667BF05C0F7A0435491
	// true
	// [REDACTED]
}
