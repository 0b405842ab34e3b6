"""The XML schema of the ``commonplace`` metadata format, served at ``CP_SCHEMA_PATH``."""

from __future__ import annotations

from infra.syndication.oai_protocol import CP_NS

COMMONPLACE_XSD = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- The commonplace metadata format for OAI-PMH: an artifact as Commonplace publishes it. -->
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:cp="{CP_NS}"
           targetNamespace="{CP_NS}"
           elementFormDefault="qualified" attributeFormDefault="unqualified">
  <xs:element name="artifact" type="cp:artifactType"/>

  <xs:complexType name="artifactType">
    <xs:sequence>
      <xs:element name="title" type="xs:string"/>
      <xs:element name="summary" type="xs:string"/>
      <xs:element name="body" type="cp:bodyType"/>
      <xs:element name="language" type="xs:language"/>
      <xs:element name="contributors" type="cp:contributorsType"/>
      <xs:element name="terms" type="cp:termsType"/>
      <xs:element name="stage" type="cp:stageType" minOccurs="0"/>
      <xs:element name="place" type="cp:placeType" minOccurs="0"/>
      <xs:element name="licence" type="cp:licenceType"/>
      <xs:element name="themes" type="cp:themesType"/>
      <xs:element name="dates" type="cp:datesType"/>
      <xs:element name="convening" type="cp:slugType" minOccurs="0"/>
      <xs:element name="excursion" type="cp:slugType" minOccurs="0"/>
      <xs:element name="lineage" type="cp:lineageType" minOccurs="0"/>
      <xs:element name="links" type="cp:linksType"/>
    </xs:sequence>
    <xs:attribute name="id" type="cp:uuidType" use="required"/>
    <xs:attribute name="kind" type="xs:token" use="required"/>
    <xs:attribute name="version" type="xs:positiveInteger" use="required"/>
  </xs:complexType>

  <xs:simpleType name="uuidType">
    <xs:restriction base="xs:string">
      <xs:pattern value="[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{12}}"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:complexType name="bodyType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="format" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="contributorsType">
    <xs:sequence>
      <xs:element name="contributor" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:simpleContent>
            <xs:extension base="xs:string">
              <xs:attribute name="role" type="xs:token" use="required"/>
            </xs:extension>
          </xs:simpleContent>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="termsType">
    <xs:sequence>
      <xs:element name="term" minOccurs="0" maxOccurs="unbounded">
        <xs:complexType>
          <xs:simpleContent>
            <xs:extension base="xs:string">
              <xs:attribute name="framework" type="xs:token" use="required"/>
              <xs:attribute name="id" type="xs:token" use="required"/>
              <xs:attribute name="url" type="xs:anyURI" use="required"/>
            </xs:extension>
          </xs:simpleContent>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="stageType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="framework" type="xs:token" use="required"/>
        <xs:attribute name="id" type="xs:token" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="placeType">
    <xs:sequence>
      <xs:element name="name" type="xs:string"/>
      <xs:element name="path">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="part" type="xs:string" maxOccurs="unbounded"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
    </xs:sequence>
    <xs:attribute name="slug" type="xs:token" use="required"/>
    <xs:attribute name="kind" type="xs:token"/>
    <xs:attribute name="lat" type="cp:latitudeType"/>
    <xs:attribute name="lon" type="cp:longitudeType"/>
    <xs:attribute name="url" type="xs:anyURI"/>
  </xs:complexType>

  <xs:simpleType name="latitudeType">
    <xs:restriction base="xs:double">
      <xs:minInclusive value="-90"/>
      <xs:maxInclusive value="90"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:simpleType name="longitudeType">
    <xs:restriction base="xs:double">
      <xs:minInclusive value="-180"/>
      <xs:maxInclusive value="180"/>
    </xs:restriction>
  </xs:simpleType>

  <xs:complexType name="licenceType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="uri" type="xs:string" use="required"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="themesType">
    <xs:sequence>
      <xs:element name="theme" type="xs:string" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="datesType">
    <xs:sequence>
      <xs:element name="date" type="xs:date" minOccurs="0"/>
      <xs:element name="firstPublished" type="xs:dateTime" minOccurs="0"/>
      <xs:element name="published" type="xs:dateTime" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="slugType">
    <xs:attribute name="slug" type="xs:token" use="required"/>
  </xs:complexType>

  <!-- adaptedFrom: the direct source; ancestor: its own sources, nearest first. -->
  <xs:complexType name="lineageType">
    <xs:sequence>
      <xs:element name="adaptedFrom" type="cp:workType" minOccurs="0"/>
      <xs:element name="ancestor" type="cp:workType" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="adaptationNote" type="xs:string" minOccurs="0"/>
    </xs:sequence>
  </xs:complexType>

  <xs:complexType name="workType">
    <xs:simpleContent>
      <xs:extension base="xs:string">
        <xs:attribute name="uri" type="xs:anyURI" use="required"/>
        <xs:attribute name="version" type="xs:string"/>
        <xs:attribute name="site" type="xs:string"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>

  <xs:complexType name="linksType">
    <xs:attribute name="page" type="xs:anyURI" use="required"/>
    <xs:attribute name="api" type="xs:anyURI" use="required"/>
    <xs:attribute name="jsonld" type="xs:anyURI"/>
  </xs:complexType>
</xs:schema>
""".encode()
