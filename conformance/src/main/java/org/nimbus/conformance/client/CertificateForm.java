package org.nimbus.conformance.client;

/**
 * The client certificate layout: Flash/librtmfp's single static key of the chosen group, or the
 * reference implementation's keys for groups 16, 14 and 2 with the group chosen in the SKIC.
 */
public enum CertificateForm {
    FLASH, MULTI_GROUP
}
