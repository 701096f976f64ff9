//! Known-answer tests (RFC 4231, RFC 8032, Binance's signed-endpoint example) and property tests.
use super::*;
use proptest::prelude::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// RFC 4231 test cases 1, 2, 3, 4, 6, 7 (case 5 is a truncated MAC, which exchanges never use).
fn rfc4231() -> Vec<(Vec<u8>, Vec<u8>, &'static str, &'static str)> {
    vec![
        (vec![0x0b; 20], b"Hi There".to_vec(),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"),
        (b"Jefe".to_vec(), b"what do ya want for nothing?".to_vec(),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"),
        (vec![0xaa; 20], vec![0xdd; 50],
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"),
        ((1u8..=25).collect(), vec![0xcd; 50],
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
         "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"),
        (vec![0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"),
        (vec![0xaa; 131], b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.".to_vec(),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"),
    ]
}

#[test]
fn hmac_sha256_matches_rfc4231() {
    for (key, data, s256, _) in rfc4231() {
        assert_eq!(
            HmacSigner::new(HmacAlgorithm::Sha256, &key)
                .unwrap()
                .sign_hex(&data),
            s256
        );
    }
}

#[test]
fn hmac_sha512_matches_rfc4231() {
    for (key, data, _, s512) in rfc4231() {
        assert_eq!(
            HmacSigner::new(HmacAlgorithm::Sha512, &key)
                .unwrap()
                .sign_hex(&data),
            s512
        );
    }
}

#[test]
fn hmac_sha256_matches_binance_signed_endpoint_example() {
    let signer = HmacSigner::new(
        HmacAlgorithm::Sha256,
        b"NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
    )
    .unwrap();
    let query = b"symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
    assert_eq!(
        signer.sign_hex(query),
        "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"
    );
}

#[test]
fn base64_output_is_the_same_mac_as_hex() {
    let signer = HmacSigner::new(HmacAlgorithm::Sha256, b"Jefe").unwrap();
    // RFC 4231 case 2 in base64 (checked with Node: createHmac(...).digest('base64')).
    assert_eq!(
        signer.sign_base64(b"what do ya want for nothing?"),
        "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
    );
}

#[test]
fn empty_hmac_secret_is_rejected_without_echoing_anything() {
    let err = HmacSigner::new(HmacAlgorithm::Sha256, b"").err().unwrap();
    assert_eq!(err, SignError::EmptySecret);
}

#[test]
fn ed25519_matches_rfc8032_test_vectors() {
    let cases = [
        ("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        ("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        ("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
         "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
         "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
    ];
    for (seed, public, msg, sig) in cases {
        let signer = Ed25519Signer::from_seed(&unhex(seed)).unwrap();
        assert_eq!(to_hex(&signer.public_key()), public);
        assert_eq!(to_hex(&signer.sign(&unhex(msg))), sig);
        assert!(ed25519_verify(
            &signer.public_key(),
            &unhex(msg),
            &unhex(sig)
        ));
    }
}

#[test]
fn ed25519_rejects_seeds_that_are_not_32_bytes() {
    assert_eq!(
        Ed25519Signer::from_seed(&[1u8; 31]).err(),
        Some(SignError::BadSeedLength)
    );
    assert_eq!(
        Ed25519Signer::from_seed(&[1u8; 64]).err(),
        Some(SignError::BadSeedLength)
    );
}

#[test]
fn encoders_match_rfc4648_examples() {
    for (input, b64) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(to_base64(input.as_bytes()), b64);
    }
    assert_eq!(to_hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
}

/// Independent decoder used only by the property tests.
fn from_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| B64.iter().position(|&x| x == c).map(|p| p as u32);
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            n <<= 6;
            match val(c) {
                Some(v) => n |= v,
                None => pad += 1,
            }
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

proptest! {
    #[test]
    fn hex_round_trips_and_has_twice_the_length(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let h = to_hex(&bytes);
        prop_assert_eq!(h.len(), bytes.len() * 2);
        prop_assert_eq!(unhex(&h), bytes);
    }

    #[test]
    fn base64_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let b = to_base64(&bytes);
        prop_assert_eq!(b.len() % 4, 0);
        prop_assert_eq!(from_base64(&b), bytes);
    }

    #[test]
    fn hmac_is_deterministic_and_key_sensitive(
        key in proptest::collection::vec(any::<u8>(), 1..100),
        msg in proptest::collection::vec(any::<u8>(), 0..300),
        flip in any::<usize>(),
    ) {
        let a = HmacSigner::new(HmacAlgorithm::Sha256, &key).unwrap();
        prop_assert_eq!(a.sign(&msg), a.sign(&msg));
        prop_assert_eq!(a.sign(&msg).len(), 32);
        let mut other = key.clone();
        let i = flip % other.len();
        other[i] ^= 1;
        let b = HmacSigner::new(HmacAlgorithm::Sha256, &other).unwrap();
        prop_assert_ne!(a.sign(&msg), b.sign(&msg));
        prop_assert_eq!(HmacSigner::new(HmacAlgorithm::Sha512, &key).unwrap().sign(&msg).len(), 64);
    }

    #[test]
    fn ed25519_signatures_verify_and_tampering_fails(
        seed in proptest::array::uniform32(any::<u8>()),
        msg in proptest::collection::vec(any::<u8>(), 0..300),
    ) {
        let s = Ed25519Signer::from_seed(&seed).unwrap();
        let sig = s.sign(&msg);
        prop_assert_eq!(sig.len(), 64);
        prop_assert!(ed25519_verify(&s.public_key(), &msg, &sig));
        let mut bad = msg.clone();
        bad.push(0);
        prop_assert!(!ed25519_verify(&s.public_key(), &bad, &sig));
    }
}
