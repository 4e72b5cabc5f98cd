package org.nimbus.conncheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nimbus.tc.TcCommand;

/** The results' status object on the wire: every field by the reference's name, null where it sends null. */
class ConnCheckServiceTest {
    @Test
    void theResultsAreAnOnStatusWithEveryFieldAndNullsForTheUndecidedOnes() {
        ConnChecks.Results r = new ConnChecks.Results("[2001:db8::1]:1935", null, null, true, null, false, false, false);
        TcCommand c = TcCommand.decode(TcCommand.encode("onStatus", 0, null, ConnCheckService.info(r)));
        assertEquals("onStatus", c.name());
        assertEquals(0.0, c.transactionId());
        Map<?, ?> info = (Map<?, ?>) c.arguments().get(0);
        assertEquals(List.of("level", "code", "description", "publicAddress", "publicAddressIsLocal", "publicPortMatchesLocalPort",
                "receiveSameAddressDifferentPortAllowed", "receiveDifferentAddressDifferentPortAllowed",
                "sendAfterIntroductionAllowed", "sendAfterIntroductionPreservesSourceAddress",
                "sendAfterIntroductionPreservesSourcePort"), List.copyOf(info.keySet()));
        assertEquals("NetConnection.ConnectivityCheck.Results", info.get("code"));
        assertEquals("status", info.get("level"));
        assertEquals("[2001:db8::1]:1935", info.get("publicAddress"));
        assertTrue(info.containsKey("publicAddressIsLocal"));
        assertNull(info.get("publicAddressIsLocal"));
        assertNull(info.get("receiveDifferentAddressDifferentPortAllowed"));
        assertEquals(true, info.get("receiveSameAddressDifferentPortAllowed"));
        assertEquals(false, info.get("sendAfterIntroductionPreservesSourcePort"));
    }
}
