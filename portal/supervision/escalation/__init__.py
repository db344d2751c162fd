"""AP-V2, AP-V3, HS-$2: summons (约谈), suspension with a rectification order (停训整改),
fraud findings (骗取补贴) with their recovery orders and referrals."""
